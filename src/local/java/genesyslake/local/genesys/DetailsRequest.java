package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JsonNode;
import com.mypurecloud.sdk.v2.model.AsyncConversationQuery;
import com.mypurecloud.sdk.v2.model.AsyncUserDetailsQuery;
import com.mypurecloud.sdk.v2.model.ConversationQuery;
import com.mypurecloud.sdk.v2.model.UserDetailsQuery;

import java.util.List;

/**
 * A parsed Analytics details query or job body (conversations or users), checked against the SDK's request model
 * of that endpoint. {@code order} asc, desc or unordered (served ascending); {@code orderBy} conversationStart or
 * segmentStart (a conversation's first segment starts with it) order by conversationStart, conversationEnd and
 * segmentEnd by conversationEnd (sync query; job results come in conversationStart order).
 */
record DetailsRequest(Intervals.Span span, boolean descending, boolean byEnd, int pageSize, int pageNumber,
        List<DetailsFilter> conversationFilters, List<DetailsFilter> segmentFilters, List<DetailsFilter> userFilters,
        List<DetailsFilter> presenceFilters, List<DetailsFilter> routingStatusFilters) {

    static final int MAX_QUERY_PAGE = 100;

    /** What a synchronous query answers for a page beyond its cap (Genesys' wording). */
    static String paginationLimitMessage(long maxResults) {
        return "Pagination may not exceed " + maxResults + " results";
    }

    /** A job body, or a query body with Genesys' own cap ({@link LocalGenesysSettings#MAX_QUERY_RESULTS}). */
    static DetailsRequest conversations(JsonNode body, boolean job) {
        return parse(body, job, true, LocalGenesysSettings.MAX_QUERY_RESULTS);
    }

    /** A synchronous query body, paging through at most {@code maxResults} results (pageNumber x pageSize). */
    static DetailsRequest conversationQuery(JsonNode body, long maxResults) {
        return parse(body, false, true, maxResults);
    }

    static DetailsRequest users(JsonNode body, boolean job) {
        return parse(body, job, false, LocalGenesysSettings.MAX_QUERY_RESULTS);
    }

    static DetailsRequest userQuery(JsonNode body, long maxResults) {
        return parse(body, false, false, maxResults);
    }

    private static DetailsRequest parse(JsonNode body, boolean job, boolean conversations, long maxResults) {
        if (body == null || !body.isObject()) {
            throw new BadRequest("The request body must be a query object");
        }
        SdkSchema.check(body, conversations ? (job ? AsyncConversationQuery.class : ConversationQuery.class)
                : job ? AsyncUserDetailsQuery.class : UserDetailsQuery.class);
        Intervals.Span span = Intervals.parse(body.path("interval").asText(null), "interval");
        String order = body.path("order").asText("asc");
        String orderBy = body.path("orderBy").asText("conversationStart");
        boolean byEnd = orderBy.equals("conversationEnd") || orderBy.equals("segmentEnd");
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
            if ((long) pageNumber * pageSize > maxResults) {
                throw new BadRequest(paginationLimitMessage(maxResults));
            }
        }
        if (conversations) {
            return new DetailsRequest(span, order.equals("desc"), byEnd, pageSize, pageNumber,
                    concat(DetailsFilter.parseList(body, "conversationFilters"), DetailsFilter.onAbsentData(body,
                            "evaluationFilters", "surveyFilters", "resolutionFilters")),
                    DetailsFilter.parseList(body, "segmentFilters"),
                    List.of(), List.of(), List.of());
        }
        return new DetailsRequest(span, order.equals("desc"), false, pageSize, pageNumber, List.of(), List.of(),
                DetailsFilter.parseList(body, "userFilters"),
                DetailsFilter.parseList(body, "presenceFilters"),
                DetailsFilter.parseList(body, "routingStatusFilters"));
    }

    private static List<DetailsFilter> concat(List<DetailsFilter> a, List<DetailsFilter> b) {
        return b.isEmpty() ? a : java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    boolean hasConversationFilters() {
        return !conversationFilters.isEmpty() || !segmentFilters.isEmpty();
    }
}
