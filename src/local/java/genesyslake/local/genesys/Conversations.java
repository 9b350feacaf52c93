package genesyslake.local.genesys;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates conversation detail records from (seed, day, index) alone. Start times follow a daily call curve and
 * grow with the index, so a day's records are in conversationStart order and any position is found by binary
 * search without generating the others.
 */
final class Conversations {

    /** No conversation lasts longer (conversationEnd - conversationStart); bounds the look-back of overlap queries. */
    static final long MAX_DURATION_MS = 3 * 3_600_000L;
    private static final double[] HOURLY = {2, 1.5, 1, 1, 1, 1.5, 3, 6, 11, 14, 15, 14.5, 13, 13.5, 14.5, 14, 13, 11,
        9, 7, 5.5, 4.5, 3.5, 2.5};
    private static final double[] CDF = new double[25];

    static {
        double total = 0;
        for (double w : HOURLY) {
            total += w;
        }
        double acc = 0;
        for (int h = 0; h < 24; h++) {
            CDF[h] = acc / total;
            acc += HOURLY[h];
        }
        CDF[24] = 1;
    }

    record Seg(long start, long end, String type, String queueId, String disconnectType, String wrapUpCode) {
    }

    record Metric(String name, long value, long emit) {
    }

    static final class Sess {
        String id;
        String mediaType;
        String direction;
        String ani;
        String dnis;
        String provider;
        String edgeId;
        String flowId;
        String flowName;
        String routing;
        final List<Seg> segments = new ArrayList<>(4);
        final List<Metric> metrics = new ArrayList<>(6);
    }

    static final class Part {
        String id;
        String name;
        String purpose;
        String userId;
        final List<Sess> sessions = new ArrayList<>(1);
    }

    static final class Conv {
        String id;
        long start;
        long end;
        String originatingDirection;
        String divisionId;
        double mos = Double.NaN;
        double rFactor = Double.NaN;
        final List<Part> participants = new ArrayList<>(4);
    }

    private final Org org;
    private final long seed;
    private final int perDay;

    Conversations(Org org, int perDay) {
        this.org = org;
        this.seed = org.seed;
        this.perDay = perDay;
    }

    int perDay() {
        return perDay;
    }

    long startMs(long day, int index) {
        double q = (index + Det.unit(seed, 40, day, index)) / perDay;
        int h = 0;
        while (h < 23 && CDF[h + 1] <= q) {
            h++;
        }
        double frac = (q - CDF[h]) / (CDF[h + 1] - CDF[h]);
        long ms = (long) ((h + Math.min(frac, 0.999_999_999)) * 3_600_000L);
        return day * Det.DAY_MS + Math.min(ms, Det.DAY_MS - 1);
    }

    /** Smallest index of the day whose start is at or after ms (perDay when none). */
    int firstIndexAtOrAfter(long day, long ms) {
        int lo = 0;
        int hi = perDay;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (startMs(day, mid) < ms) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    Conv generate(long day, int index) {
        return generate(day, index, false);
    }

    /** conversationEnd of a conversation, drawing only the random numbers that decide it. */
    long endMs(long day, int index) {
        return generate(day, index, true).end;
    }

    /** endOnly stops each kind as soon as c.end is known; the draws before that point are the same. */
    private Conv generate(long day, int index, boolean endOnly) {
        SplittableRandom r = Det.rng(seed, 41, day, index);
        Conv c = new Conv();
        if (endOnly) {
            r.nextLong(); // the two longs of the id
            r.nextLong();
        } else {
            c.id = Det.uuid(r);
        }
        c.start = startMs(day, index);
        double kind = r.nextDouble();
        if (kind < 0.60) {
            inboundVoice(c, r, false, endOnly);
        } else if (kind < 0.70) {
            outboundVoice(c, r, endOnly);
        } else if (kind < 0.75) {
            inboundVoice(c, r, true, endOnly);
        } else if (kind < 0.86) {
            digital(c, r, "chat", 5, endOnly);
        } else if (kind < 0.93) {
            digital(c, r, "message", 5, endOnly);
        } else {
            digital(c, r, "email", 6, endOnly);
        }
        return c;
    }

    private String phone(SplittableRandom r, String scheme) {
        return scheme + "+1" + (200 + r.nextInt(800)) + (200 + r.nextInt(800)) + (1000 + r.nextInt(9000));
    }

    private String customerName(SplittableRandom r) {
        return "Customer " + (char) ('A' + r.nextInt(26)) + ". " + (1000 + r.nextInt(9000));
    }

    private static long dur(SplittableRandom r, int minSec, int maxSec) {
        return (minSec + r.nextInt(maxSec - minSec + 1)) * 1000L + r.nextInt(1000);
    }

    private Org.User agent(SplittableRandom r) {
        return org.users.isEmpty() ? null : org.users.get(r.nextInt(org.users.size()));
    }

    private Part part(Conv c, SplittableRandom r, String purpose, String name, String userId) {
        Part p = new Part();
        p.id = Det.uuid(r);
        p.name = name;
        p.purpose = purpose;
        p.userId = userId;
        c.participants.add(p);
        return p;
    }

    private Sess session(Part p, SplittableRandom r, String media, String direction) {
        Sess s = new Sess();
        s.id = Det.uuid(r);
        s.mediaType = media;
        s.direction = direction;
        p.sessions.add(s);
        return s;
    }

    private void voiceMos(Conv c, SplittableRandom r) {
        c.mos = Math.round((3.6 + 1.3 * r.nextDouble()) * 10_000) / 10_000.0;
        c.rFactor = Math.round((68 + 25 * r.nextDouble()) * 10_000) / 10_000.0;
    }

    private void inboundVoice(Conv c, SplittableRandom r, boolean callback, boolean endOnly) {
        c.originatingDirection = "inbound";
        int queue = callback ? 7 : r.nextInt(5);
        c.divisionId = org.divisionOfQueue(queue);
        String media = callback ? "callback" : "voice";
        String ani = phone(r, "tel:");
        String dnis = "tel:+1800555" + (1000 + queue * 111);
        String edge = org.edgeIds[r.nextInt(org.edgeIds.length)];
        long t0 = c.start;
        long t1 = callback ? t0 : t0 + dur(r, 15, 90);
        long wait = (long) (-Math.log(1 - r.nextDouble()) * 60_000) + r.nextInt(3000);
        long t2 = t1 + Math.min(wait, 1_800_000);
        boolean abandoned = r.nextDouble() < (callback ? 0.03 : 0.09) || org.users.isEmpty();
        Org.User a = abandoned ? null : agent(r);
        long t3 = t2 + dur(r, 2, 14);
        boolean hold = r.nextDouble() < 0.2;
        long talk = dur(r, 45, 1_100);
        long holdAt = t3 + talk / 3;
        long holdLen = hold ? dur(r, 20, 180) : 0;
        long t4 = abandoned ? t2 : t3 + talk + holdLen;
        long t5 = t4 + dur(r, 5, 150);
        c.end = t4;
        if (endOnly) {
            return;
        }
        if (!callback) {
            voiceMos(c, r);
        }

        Part cust = part(c, r, "customer", customerName(r), null);
        Sess cs = session(cust, r, media, "inbound");
        cs.ani = ani;
        cs.dnis = dnis;
        cs.provider = "Edge";
        cs.edgeId = callback ? null : edge;
        cs.segments.add(new Seg(t0, t4, "interact", null, abandoned || r.nextBoolean() ? "client" : "peer", null));
        cs.metrics.add(new Metric("nConnected", 1, t0));

        if (!callback) {
            Part ivr = part(c, r, "ivr", "Main IVR", null);
            Sess is = session(ivr, r, media, "inbound");
            is.ani = ani;
            is.dnis = dnis;
            is.provider = "Edge";
            is.edgeId = edge;
            is.flowId = org.ivrFlowId;
            is.flowName = "Main IVR";
            is.segments.add(new Seg(t0, t1, "ivr", null, "transfer", null));
            is.metrics.add(new Metric("tIvr", t1 - t0, t1));
        }

        Part acd = part(c, r, "acd", Org.QUEUE_NAMES[queue], null);
        Sess as = session(acd, r, media, "inbound");
        as.ani = ani;
        as.dnis = dnis;
        as.provider = "Edge";
        as.routing = "Standard";
        as.segments.add(new Seg(t1, t2, "interact", org.queueIds[queue], abandoned ? "peer" : "transfer", null));
        as.metrics.add(new Metric("nOffered", 1, t1));
        as.metrics.add(new Metric(abandoned ? "tAbandon" : "tAcd", t2 - t1, t2));

        if (a != null) {
            Part ag = part(c, r, "agent", a.name(), a.id());
            Sess s = session(ag, r, media, "inbound");
            s.ani = ani;
            s.dnis = dnis;
            s.provider = "Edge";
            s.edgeId = callback ? null : edge;
            String q = org.queueIds[queue];
            String wrap = org.wrapUpCodes[r.nextInt(org.wrapUpCodes.length)];
            s.segments.add(new Seg(t2, t3, "alert", q, null, null));
            if (hold) {
                s.segments.add(new Seg(t3, holdAt, "interact", q, null, null));
                s.segments.add(new Seg(holdAt, holdAt + holdLen, "hold", q, null, null));
                s.segments.add(new Seg(holdAt + holdLen, t4, "interact", q, r.nextBoolean() ? "client" : "peer", null));
            } else {
                s.segments.add(new Seg(t3, t4, "interact", q, r.nextBoolean() ? "client" : "peer", null));
            }
            s.segments.add(new Seg(t4, t5, "wrapup", q, null, wrap));
            s.metrics.add(new Metric("tAlert", t3 - t2, t3));
            s.metrics.add(new Metric("tAnswered", t3 - t1, t3));
            s.metrics.add(new Metric("tTalk", t4 - t3 - holdLen, t4));
            s.metrics.add(new Metric("tTalkComplete", t4 - t3 - holdLen, t4));
            if (hold) {
                s.metrics.add(new Metric("tHeld", holdLen, holdAt + holdLen));
                s.metrics.add(new Metric("tHeldComplete", holdLen, holdAt + holdLen));
                s.metrics.add(new Metric("nHeld", 1, holdAt));
            }
            s.metrics.add(new Metric("tAcw", t5 - t4, t5));
            s.metrics.add(new Metric("tHandle", t5 - t3, t5));
            s.metrics.add(new Metric("nConnected", 1, t3));
        }
    }

    private void outboundVoice(Conv c, SplittableRandom r, boolean endOnly) {
        c.originatingDirection = "outbound";
        c.divisionId = org.homeDivision;
        Org.User a = agent(r);
        String ani = "tel:+18005559000";
        String dnis = phone(r, "tel:");
        String edge = org.edgeIds[r.nextInt(org.edgeIds.length)];
        long t0 = c.start;
        long t1 = t0 + dur(r, 4, 30);
        boolean answered = r.nextDouble() < 0.7;
        long t2 = answered ? t1 + dur(r, 30, 700) : t1;
        long t3 = t2 + dur(r, 5, 90);
        c.end = t2;
        if (endOnly) {
            return;
        }
        voiceMos(c, r);
        if (a != null) {
            Part ag = part(c, r, "agent", a.name(), a.id());
            Sess s = session(ag, r, "voice", "outbound");
            s.ani = ani;
            s.dnis = dnis;
            s.provider = "Edge";
            s.edgeId = edge;
            s.segments.add(new Seg(t0, t1, "dialing", null, answered ? null : "client", null));
            if (answered) {
                s.segments.add(new Seg(t1, t2, "interact", null, r.nextBoolean() ? "client" : "peer", null));
                s.metrics.add(new Metric("tTalk", t2 - t1, t2));
                s.metrics.add(new Metric("tTalkComplete", t2 - t1, t2));
                s.metrics.add(new Metric("nConnected", 1, t1));
            }
            s.metrics.add(new Metric("tDialing", t1 - t0, t1));
            s.metrics.add(new Metric("nOutbound", 1, t0));
            s.segments.add(new Seg(t2, t3, "wrapup", null, null,
                    org.wrapUpCodes[r.nextInt(org.wrapUpCodes.length)]));
            s.metrics.add(new Metric("tAcw", t3 - t2, t3));
            s.metrics.add(new Metric("tHandle", t3 - t0, t3));
        }
        Part ext = part(c, r, "external", dnis.substring(4), null);
        Sess es = session(ext, r, "voice", "outbound");
        es.ani = ani;
        es.dnis = dnis;
        es.provider = "Edge";
        es.edgeId = edge;
        es.segments.add(new Seg(t0, t2, answered ? "interact" : "contacting", null, answered ? "peer" : "endpoint",
                null));
    }

    private void digital(Conv c, SplittableRandom r, String media, int queue, boolean endOnly) {
        c.originatingDirection = "inbound";
        c.divisionId = org.divisionOfQueue(queue);
        boolean email = media.equals("email");
        String ani = switch (media) {
            case "message" -> phone(r, "sms:");
            case "email" -> "customer" + r.nextInt(100_000) + "@example.com";
            default -> null;
        };
        String dnis = switch (media) {
            case "message" -> "sms:+18005550199";
            case "email" -> "support@local-genesys.example";
            default -> null;
        };
        long t0 = c.start;
        long wait = email ? dur(r, 60, 7_000) : dur(r, 3, 240);
        long t1 = t0 + wait;
        boolean abandoned = !email && r.nextDouble() < 0.06 || org.users.isEmpty();
        Org.User a = abandoned ? null : agent(r);
        long t2 = t1 + dur(r, 2, 20);
        long t3 = abandoned ? t1 : t2 + (email ? dur(r, 120, 1_500) : dur(r, 90, 1_500));
        long t4 = t3 + dur(r, 5, 120);
        c.end = t3;
        if (endOnly) {
            return;
        }

        Part cust = part(c, r, "customer", customerName(r), null);
        Sess cs = session(cust, r, media, "inbound");
        cs.ani = ani;
        cs.dnis = dnis;
        cs.provider = email ? "PureCloud Email" : "PureCloud Messaging";
        cs.segments.add(new Seg(t0, t3, "interact", null, "client", null));
        cs.metrics.add(new Metric("nConnected", 1, t0));

        Part acd = part(c, r, "acd", Org.QUEUE_NAMES[queue], null);
        Sess as = session(acd, r, media, "inbound");
        as.provider = cs.provider;
        as.routing = r.nextDouble() < 0.2 ? "Bullseye" : "Standard";
        as.segments.add(new Seg(t0, t1, "interact", org.queueIds[queue], abandoned ? "peer" : "transfer", null));
        as.metrics.add(new Metric("nOffered", 1, t0));
        as.metrics.add(new Metric(abandoned ? "tAbandon" : "tAcd", t1 - t0, t1));

        if (a != null) {
            Part ag = part(c, r, "agent", a.name(), a.id());
            Sess s = session(ag, r, media, "inbound");
            s.provider = cs.provider;
            String q = org.queueIds[queue];
            s.segments.add(new Seg(t1, t2, "alert", q, null, null));
            s.segments.add(new Seg(t2, t3, "interact", q, "client", null));
            s.segments.add(new Seg(t3, t4, "wrapup", q, null, org.wrapUpCodes[r.nextInt(org.wrapUpCodes.length)]));
            s.metrics.add(new Metric("tAlert", t2 - t1, t2));
            s.metrics.add(new Metric("tAnswered", t2 - t0, t2));
            s.metrics.add(new Metric("tTalk", t3 - t2, t3));
            s.metrics.add(new Metric("tAcw", t4 - t3, t4));
            s.metrics.add(new Metric("tHandle", t4 - t2, t4));
            s.metrics.add(new Metric("nConnected", 1, t2));
        }
    }

    /** The value of a segmentFilter dimension for one segment in its context (null = absent). */
    static String segmentDimension(String dim, Conv c, Part p, Sess s, Seg g) {
        return switch (dim) {
            case "mediaType" -> s.mediaType;
            case "direction" -> s.direction;
            case "purpose" -> p.purpose;
            case "queueId" -> g.queueId;
            case "userId" -> p.userId;
            case "segmentType" -> g.type;
            case "disconnectType" -> g.disconnectType;
            case "wrapUpCode" -> g.wrapUpCode;
            case "ani" -> s.ani;
            case "dnis" -> s.dnis;
            case "provider" -> s.provider;
            case "sessionId" -> s.id;
            case "participantId" -> p.id;
            case "participantName" -> p.name;
            case "conversationId" -> c.id;
            case "divisionId" -> c.divisionId;
            case "flowId" -> s.flowId;
            case "requestedRoutings", "usedRouting" -> s.routing;
            case "edgeId" -> s.edgeId;
            case "metric:tSegmentDuration" -> Long.toString(g.end - g.start);
            default -> null;
        };
    }

    /** The value of a conversationFilter dimension or metric (metrics: every session's value of that name). */
    static Object conversationDimension(String dim, Conv c) {
        if (dim.startsWith("metric:")) {
            if (dim.equals("metric:tConversationDuration")) {
                return Long.toString(c.end - c.start);
            }
            String name = dim.substring(7);
            List<String> values = new ArrayList<>(2);
            for (Part p : c.participants) {
                for (Sess s : p.sessions) {
                    for (Metric m : s.metrics) {
                        if (m.name().equals(name)) {
                            values.add(Long.toString(m.value()));
                        }
                    }
                }
            }
            return values;
        }
        return switch (dim) {
            case "conversationId" -> c.id;
            case "conversationStart" -> Det.iso(c.start);
            case "originatingDirection" -> c.originatingDirection;
            case "divisionId" -> c.divisionId;
            case "conversationEnd" -> Det.iso(c.end);
            case "mediaStatsMinConversationMos" -> Double.isNaN(c.mos) ? null : Double.toString(c.mos);
            default -> null;
        };
    }

    static boolean matches(Conv c, List<DetailsFilter> conversationFilters, List<DetailsFilter> segmentFilters) {
        if (!DetailsFilter.all(conversationFilters, d -> conversationDimension(d, c))) {
            return false;
        }
        for (DetailsFilter f : segmentFilters) {
            if (!anySegment(c, f)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anySegment(Conv c, DetailsFilter f) {
        for (Part p : c.participants) {
            for (Sess s : p.sessions) {
                for (Seg g : s.segments) {
                    if (f.matches(d -> segmentDimension(d, c, p, s, g))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static final byte[] K_CONVERSATION_END = JsonBytes.key("conversationEnd");
    private static final byte[] K_CONVERSATION_ID = JsonBytes.key("conversationId");
    private static final byte[] K_CONVERSATION_START = JsonBytes.key("conversationStart");
    private static final byte[] K_DIVISION_IDS = JsonBytes.key("divisionIds");
    private static final byte[] K_MOS = JsonBytes.key("mediaStatsMinConversationMos");
    private static final byte[] K_RFACTOR = JsonBytes.key("mediaStatsMinConversationRFactor");
    private static final byte[] K_ORIGINATING_DIRECTION = JsonBytes.key("originatingDirection");
    private static final byte[] K_PARTICIPANTS = JsonBytes.key("participants");
    private static final byte[] K_PARTICIPANT_ID = JsonBytes.key("participantId");
    private static final byte[] K_PARTICIPANT_NAME = JsonBytes.key("participantName");
    private static final byte[] K_PURPOSE = JsonBytes.key("purpose");
    private static final byte[] K_SESSIONS = JsonBytes.key("sessions");
    private static final byte[] K_USER_ID = JsonBytes.key("userId");
    private static final byte[] K_ANI = JsonBytes.key("ani");
    private static final byte[] K_DIRECTION = JsonBytes.key("direction");
    private static final byte[] K_DNIS = JsonBytes.key("dnis");
    private static final byte[] K_EDGE_ID = JsonBytes.key("edgeId");
    private static final byte[] K_FLOW = JsonBytes.key("flow");
    private static final byte[] K_ENTRY_TYPE = JsonBytes.key("entryType");
    private static final byte[] K_EXIT_REASON = JsonBytes.key("exitReason");
    private static final byte[] K_FLOW_ID = JsonBytes.key("flowId");
    private static final byte[] K_FLOW_NAME = JsonBytes.key("flowName");
    private static final byte[] K_FLOW_TYPE = JsonBytes.key("flowType");
    private static final byte[] K_FLOW_VERSION = JsonBytes.key("flowVersion");
    private static final byte[] K_TRANSFER_TYPE = JsonBytes.key("transferType");
    private static final byte[] K_ENDING_LANGUAGE = JsonBytes.key("endingLanguage");
    private static final byte[] K_ENTRY_REASON = JsonBytes.key("entryReason");
    private static final byte[] K_MEDIA_TYPE = JsonBytes.key("mediaType");
    private static final byte[] K_METRICS = JsonBytes.key("metrics");
    private static final byte[] K_EMIT_DATE = JsonBytes.key("emitDate");
    private static final byte[] K_NAME = JsonBytes.key("name");
    private static final byte[] K_VALUE = JsonBytes.key("value");
    private static final byte[] K_PROVIDER = JsonBytes.key("provider");
    private static final byte[] K_REQUESTED_ROUTINGS = JsonBytes.key("requestedRoutings");
    private static final byte[] K_SEGMENTS = JsonBytes.key("segments");
    private static final byte[] K_DISCONNECT_TYPE = JsonBytes.key("disconnectType");
    private static final byte[] K_QUEUE_ID = JsonBytes.key("queueId");
    private static final byte[] K_SEGMENT_END = JsonBytes.key("segmentEnd");
    private static final byte[] K_SEGMENT_START = JsonBytes.key("segmentStart");
    private static final byte[] K_SEGMENT_TYPE = JsonBytes.key("segmentType");
    private static final byte[] K_WRAP_UP_CODE = JsonBytes.key("wrapUpCode");
    private static final byte[] K_SESSION_ID = JsonBytes.key("sessionId");
    private static final byte[] K_USED_ROUTING = JsonBytes.key("usedRouting");

    static void write(Conv c, JsonBytes g) {
        g.startObject();
        g.isoField(K_CONVERSATION_END, c.end);
        g.stringField(K_CONVERSATION_ID, c.id);
        g.isoField(K_CONVERSATION_START, c.start);
        g.field(K_DIVISION_IDS);
        g.startArray();
        g.string(c.divisionId);
        g.endArray();
        if (!Double.isNaN(c.mos)) {
            g.field(K_MOS);
            g.number(c.mos);
            g.field(K_RFACTOR);
            g.number(c.rFactor);
        }
        g.stringField(K_ORIGINATING_DIRECTION, c.originatingDirection);
        g.field(K_PARTICIPANTS);
        g.startArray();
        for (Part p : c.participants) {
            g.startObject();
            g.stringField(K_PARTICIPANT_ID, p.id);
            g.stringField(K_PARTICIPANT_NAME, p.name);
            g.stringField(K_PURPOSE, p.purpose);
            g.field(K_SESSIONS);
            g.startArray();
            for (Sess s : p.sessions) {
                writeSession(s, g);
            }
            g.endArray();
            g.optional(K_USER_ID, p.userId);
            g.endObject();
        }
        g.endArray();
        g.endObject();
    }

    private static void writeSession(Sess s, JsonBytes g) {
        g.startObject();
        g.optional(K_ANI, s.ani);
        g.stringField(K_DIRECTION, s.direction);
        g.optional(K_DNIS, s.dnis);
        g.optional(K_EDGE_ID, s.edgeId);
        if (s.flowId != null) {
            g.field(K_FLOW);
            g.startObject();
            g.stringField(K_ENDING_LANGUAGE, "en-us");
            g.stringField(K_ENTRY_REASON, s.dnis);
            g.stringField(K_ENTRY_TYPE, "dnis");
            g.stringField(K_EXIT_REASON, "TRANSFER");
            g.stringField(K_FLOW_ID, s.flowId);
            g.stringField(K_FLOW_NAME, s.flowName);
            g.stringField(K_FLOW_TYPE, "INBOUNDCALL");
            g.stringField(K_FLOW_VERSION, "12.0");
            g.stringField(K_TRANSFER_TYPE, "ACD");
            g.endObject();
        }
        g.stringField(K_MEDIA_TYPE, s.mediaType);
        g.field(K_METRICS);
        g.startArray();
        for (Metric m : s.metrics) {
            g.startObject();
            g.isoField(K_EMIT_DATE, m.emit);
            g.stringField(K_NAME, m.name);
            g.numberField(K_VALUE, m.value);
            g.endObject();
        }
        g.endArray();
        g.optional(K_PROVIDER, s.provider);
        if (s.routing != null) {
            g.field(K_REQUESTED_ROUTINGS);
            g.startArray();
            g.string(s.routing);
            g.endArray();
        }
        g.field(K_SEGMENTS);
        g.startArray();
        for (Seg x : s.segments) {
            g.startObject();
            g.optional(K_DISCONNECT_TYPE, x.disconnectType);
            g.optional(K_QUEUE_ID, x.queueId);
            g.isoField(K_SEGMENT_END, x.end);
            g.isoField(K_SEGMENT_START, x.start);
            g.stringField(K_SEGMENT_TYPE, x.type);
            g.optional(K_WRAP_UP_CODE, x.wrapUpCode);
            g.endObject();
        }
        g.endArray();
        g.stringField(K_SESSION_ID, s.id);
        g.optional(K_USED_ROUTING, s.routing);
        g.endObject();
    }
}
