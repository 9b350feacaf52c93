package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** A parsed Analytics details query or job body (conversations or users). */
record DetailsRequest(Intervals.Span span, boolean descending, int pageSize, int pageNumber,
        List<DetailsFilter> conversationFilters, List<DetailsFilter> segmentFilters, List<DetailsFilter> userFilters,
        List<DetailsFilter> presenceFilters, List<DetailsFilter> routingStatusFilters) {

    static final int MAX_QUERY_PAGE = 100;
    /** The synchronous query pages through at most this many results (pageNumber x pageSize); jobs are for more. */
    static final long MAX_QUERY_RESULTS = 100_000;
    static final String PAGINATION_LIMIT_MESSAGE = "Pagination may not exceed " + MAX_QUERY_RESULTS + " results";

    static DetailsRequest conversations(JsonNode body, boolean job) {
        return parse(body, job, true);
    }

    static DetailsRequest users(JsonNode body, boolean job) {
        return parse(body, job, false);
    }

    private static DetailsRequest parse(JsonNode body, boolean job, boolean conversations) {
        if (body == null || !body.isObject()) {
            throw new BadRequest("The request body must be a query object");
        }
        Intervals.Span span = Intervals.parse(body.path("interval").asText(null), "interval");
        String order = body.path("order").asText("asc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw new BadRequest("Invalid order '" + order + "': expected asc or desc");
        }
        JsonNode orderBy = body.get("orderBy");
        if (conversations && orderBy != null && !orderBy.isNull() && !orderBy.asText().equals("conversationStart")) {
            throw new BadRequest("Unsupported orderBy '" + orderBy.asText() + "': only conversationStart is supported");
        }
        int pageSize = 25;
        int pageNumber = 1;
        JsonNode paging = body.get("paging");
        if (!job && paging != null && !paging.isNull()) {
            pageSize = paging.path("pageSize").asInt(25);
            pageNumber = paging.path("pageNumber").asInt(1);
            if (pageSize < 1 || pageSize > MAX_QUERY_PAGE) {
                throw new BadRequest("Invalid paging.pageSize " + pageSize + ": must be 1-" + MAX_QUERY_PAGE);
            }
            if (pageNumber < 1) {
                throw new BadRequest("Invalid paging.pageNumber " + pageNumber + ": must be at least 1");
            }
            if ((long) pageNumber * pageSize > MAX_QUERY_RESULTS) {
                throw new BadRequest(PAGINATION_LIMIT_MESSAGE);
            }
        }
        if (conversations) {
            return new DetailsRequest(span, order.equals("desc"), pageSize, pageNumber,
                    DetailsFilter.parseList(body, "conversationFilters", DetailsFilter.CONVERSATION_DIMENSIONS),
                    DetailsFilter.parseList(body, "segmentFilters", DetailsFilter.SEGMENT_DIMENSIONS),
                    List.of(), List.of(), List.of());
        }
        return new DetailsRequest(span, order.equals("desc"), pageSize, pageNumber, List.of(), List.of(),
                DetailsFilter.parseList(body, "userFilters", DetailsFilter.USER_DIMENSIONS),
                DetailsFilter.parseList(body, "presenceFilters", DetailsFilter.PRESENCE_DIMENSIONS),
                DetailsFilter.parseList(body, "routingStatusFilters", DetailsFilter.ROUTING_DIMENSIONS));
    }

    boolean hasConversationFilters() {
        return !conversationFilters.isEmpty() || !segmentFilters.isEmpty();
    }
}
