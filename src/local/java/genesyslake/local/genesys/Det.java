package genesyslake.local.genesys;

import java.time.LocalDate;
import java.util.SplittableRandom;

/** Deterministic helpers: seeded hashing, UUIDs from numbers, and fast ISO-8601 UTC timestamps. */
final class Det {

    static final long DAY_MS = 86_400_000L;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Det() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long hash(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h = mix(h + p * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        }
        return h;
    }

    static SplittableRandom rng(long... parts) {
        return new SplittableRandom(hash(parts));
    }

    /** A uniform double in [0, 1) from a hash. */
    static double unit(long... parts) {
        return (hash(parts) >>> 11) * 0x1.0p-53;
    }

    // The same hash and unit of four and five parts without a varargs array: the usage cells call them millions of
    // times a query. Each is hash(parts) step for step, so the values are the same bits.

    private static long step(long h, long p) {
        return mix(h + p * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
    }

    static long hash(long a, long b, long c, long d) {
        return step(step(step(step(0x9E3779B97F4A7C15L, a), b), c), d);
    }

    static long hash(long a, long b, long c, long d, long e) {
        return step(hash(a, b, c, d), e);
    }

    static double unit(long a, long b, long c, long d) {
        return (hash(a, b, c, d) >>> 11) * 0x1.0p-53;
    }

    static double unit(long a, long b, long c, long d, long e) {
        return (hash(a, b, c, d, e) >>> 11) * 0x1.0p-53;
    }

    /** A version-4-shaped UUID string from two random longs. */
    static String uuid(long hi, long lo) {
        hi = (hi & 0xffffffffffff0fffL) | 0x0000000000004000L;
        lo = (lo & 0x3fffffffffffffffL) | 0x8000000000000000L;
        char[] c = new char[36];
        int p = 0;
        for (int i = 0; i < 32; i++) {
            if (i == 8 || i == 12 || i == 16 || i == 20) {
                c[p++] = '-';
            }
            long word = i < 16 ? hi : lo;
            c[p++] = HEX[(int) (word >>> (60 - 4 * (i % 16))) & 0xf];
        }
        return new String(c);
    }

    static String uuid(SplittableRandom r) {
        return uuid(r.nextLong(), r.nextLong());
    }

    static String uuid(long... parts) {
        long h = hash(parts);
        return uuid(h, mix(h ^ 0x5DEECE66DL));
    }

    /** "2026-10-01T08:13:42.123Z". */
    static String iso(long epochMs) {
        char[] c = new char[24];
        long day = Math.floorDiv(epochMs, DAY_MS);
        int msOfDay = (int) (epochMs - day * DAY_MS);
        LocalDate d = LocalDate.ofEpochDay(day);
        int y = d.getYear();
        c[0] = (char) ('0' + y / 1000 % 10);
        c[1] = (char) ('0' + y / 100 % 10);
        c[2] = (char) ('0' + y / 10 % 10);
        c[3] = (char) ('0' + y % 10);
        c[4] = '-';
        two(c, 5, d.getMonthValue());
        c[7] = '-';
        two(c, 8, d.getDayOfMonth());
        c[10] = 'T';
        two(c, 11, msOfDay / 3_600_000);
        c[13] = ':';
        two(c, 14, msOfDay / 60_000 % 60);
        c[16] = ':';
        two(c, 17, msOfDay / 1000 % 60);
        c[19] = '.';
        int ms = msOfDay % 1000;
        c[20] = (char) ('0' + ms / 100);
        c[21] = (char) ('0' + ms / 10 % 10);
        c[22] = (char) ('0' + ms % 10);
        c[23] = 'Z';
        return new String(c);
    }

    private static void two(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 10);
        c[at + 1] = (char) ('0' + v % 10);
    }
}
