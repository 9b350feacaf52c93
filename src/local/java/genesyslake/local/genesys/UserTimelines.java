package genesyslake.local.genesys;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Presence and routing-status timelines of agents, one shift per (user, day) from the seed alone. A working day
 * runs from login to logout (presence AVAILABLE, ON_QUEUE, breaks, a meal, meetings...) followed by OFFLINE until
 * the next UTC midnight; routing status is OFF_QUEUE off queue and IDLE/INTERACTING/... while ON_QUEUE.
 * Days off have no entries.
 */
final class UserTimelines {

    record Presence(long start, long end, String systemPresence, String organizationPresenceId) {
    }

    record Routing(long start, long end, String status) {
    }

    /** One user's entries over some days. */
    record Timeline(String userId, List<Presence> presence, List<Routing> routing) {
        boolean isEmpty() {
            return presence.isEmpty() && routing.isEmpty();
        }
    }

    private final Org org;

    UserTimelines(Org org) {
        this.org = org;
    }

    Timeline day(int userIndex, long epochDay) {
        String userId = org.users.get(userIndex).id();
        List<Presence> presence = new ArrayList<>();
        List<Routing> routing = new ArrayList<>();
        SplittableRandom r = Det.rng(org.seed, 50, userIndex, epochDay);
        DayOfWeek dow = LocalDate.ofEpochDay(epochDay).getDayOfWeek();
        boolean weekend = dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY;
        if (r.nextDouble() >= (weekend ? 0.15 : 0.9)) {
            return new Timeline(userId, presence, routing);
        }
        long dayStart = epochDay * Det.DAY_MS;
        long shiftStartMin = 360 + (userIndex * 37L % 480) + r.nextInt(41) - 20;
        long login = dayStart + shiftStartMin * 60_000 + r.nextInt(60_000);
        long logout = login + (480 + r.nextInt(75) - 30) * 60_000L + r.nextInt(60_000);
        long t = login;
        t = add(presence, routing, r, t, logout, "AVAILABLE", ms(r, 60, 360));
        boolean meal = false;
        while (t < logout) {
            t = add(presence, routing, r, t, logout, "ON_QUEUE", ms(r, 40 * 60, 110 * 60));
            if (t >= logout) {
                break;
            }
            double p = r.nextDouble();
            if (!meal && t > login + (logout - login) / 2) {
                meal = true;
                t = add(presence, routing, r, t, logout, "MEAL", ms(r, 25 * 60, 40 * 60));
            } else if (p < 0.5) {
                t = add(presence, routing, r, t, logout, "BREAK", ms(r, 10 * 60, 17 * 60));
            } else if (p < 0.65) {
                t = add(presence, routing, r, t, logout, "AWAY", ms(r, 2 * 60, 10 * 60));
            } else if (p < 0.75) {
                t = add(presence, routing, r, t, logout, "MEETING", ms(r, 25 * 60, 60 * 60));
            } else if (p < 0.80) {
                t = add(presence, routing, r, t, logout, "TRAINING", ms(r, 45 * 60, 90 * 60));
            } else if (p < 0.90) {
                t = add(presence, routing, r, t, logout, "BUSY", ms(r, 5 * 60, 20 * 60));
            } else {
                t = add(presence, routing, r, t, logout, "AVAILABLE", ms(r, 2 * 60, 10 * 60));
            }
        }
        presence.add(new Presence(logout, dayStart + Det.DAY_MS, "OFFLINE", presenceId("OFFLINE")));
        return new Timeline(userId, presence, routing);
    }

    private static long ms(SplittableRandom r, int minSec, int maxSec) {
        return (minSec + r.nextInt(maxSec - minSec + 1)) * 1000L + r.nextInt(1000);
    }

    private String presenceId(String presence) {
        for (int i = 0; i < Org.PRESENCES.length; i++) {
            if (Org.PRESENCES[i].equals(presence)) {
                return org.presenceIds[i];
            }
        }
        throw new IllegalArgumentException(presence);
    }

    private long add(List<Presence> presence, List<Routing> routing, SplittableRandom r, long t, long logout,
            String state, long length) {
        long end = Math.min(t + length, logout);
        presence.add(new Presence(t, end, state, presenceId(state)));
        if (!state.equals("ON_QUEUE")) {
            Routing last = routing.isEmpty() ? null : routing.get(routing.size() - 1);
            if (last != null && last.status.equals("OFF_QUEUE") && last.end == t) {
                routing.set(routing.size() - 1, new Routing(last.start, end, "OFF_QUEUE"));
            } else {
                routing.add(new Routing(t, end, "OFF_QUEUE"));
            }
            return end;
        }
        long s = t;
        String status = "IDLE";
        while (s < end) {
            long len;
            String next;
            switch (status) {
                case "IDLE" -> {
                    len = ms(r, 5, 180);
                    double p = r.nextDouble();
                    next = p < 0.05 ? "NOT_RESPONDING" : p < 0.13 ? "COMMUNICATING" : "INTERACTING";
                }
                case "INTERACTING" -> {
                    len = ms(r, 60, 600);
                    next = "IDLE";
                }
                case "COMMUNICATING" -> {
                    len = ms(r, 30, 240);
                    next = "IDLE";
                }
                default -> {
                    len = ms(r, 15, 60);
                    next = "IDLE";
                }
            }
            long e = Math.min(s + len, end);
            routing.add(new Routing(s, e, status));
            s = e;
            status = next;
        }
        return end;
    }

    private static final byte[] K_USER_ID = JsonBytes.key("userId");
    private static final byte[] K_PRIMARY_PRESENCE = JsonBytes.key("primaryPresence");
    private static final byte[] K_ROUTING_STATUS_LIST = JsonBytes.key("routingStatus");
    private static final byte[] K_START_TIME = JsonBytes.key("startTime");
    private static final byte[] K_END_TIME = JsonBytes.key("endTime");
    private static final byte[] K_SYSTEM_PRESENCE = JsonBytes.key("systemPresence");
    private static final byte[] K_ORGANIZATION_PRESENCE_ID = JsonBytes.key("organizationPresenceId");
    private static final byte[] K_ROUTING_STATUS = JsonBytes.key("routingStatus");

    static void write(Timeline t, JsonBytes g) {
        g.startObject();
        g.stringField(K_USER_ID, t.userId);
        if (!t.presence.isEmpty()) {
            g.field(K_PRIMARY_PRESENCE);
            g.startArray();
            for (Presence p : t.presence) {
                g.startObject();
                g.isoField(K_START_TIME, p.start);
                g.isoField(K_END_TIME, p.end);
                g.stringField(K_SYSTEM_PRESENCE, p.systemPresence);
                g.stringField(K_ORGANIZATION_PRESENCE_ID, p.organizationPresenceId);
                g.endObject();
            }
            g.endArray();
        }
        if (!t.routing.isEmpty()) {
            g.field(K_ROUTING_STATUS_LIST);
            g.startArray();
            for (Routing x : t.routing) {
                g.startObject();
                g.isoField(K_START_TIME, x.start);
                g.isoField(K_END_TIME, x.end);
                g.stringField(K_ROUTING_STATUS, x.status);
                g.endObject();
            }
            g.endArray();
        }
        g.endObject();
    }
}
