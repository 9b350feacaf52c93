package genesyslake.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of the command line of a JVM that a test runs as a process of its own (a daemon, a --once run): this
 * JVM's java and class path, with flags for a JVM that lives seconds. C1 only and the serial collector: such a JVM
 * spends most of its CPU compiling and collecting for a start-up it does once; measured on a --once run here, 25.5 s
 * of CPU by default, 12.1 s with these flags. On CI's 2 cores the test JVMs and their children share, that is time.
 */
public final class ChildJvm {

    /** The flags (what a child JVM does is unchanged: only how its code is compiled and its heap collected). */
    public static final List<String> SHORT_LIVED = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private ChildJvm() {
    }

    /** {@code java <SHORT_LIVED>} (this JVM's java), to which the caller adds the rest: a class path, -jar, a source file. */
    public static List<String> java() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(SHORT_LIVED);
        return cmd;
    }

    /**
     * {@code java <SHORT_LIVED> -cp <this JVM's class path>}, to which the caller adds properties and a main class;
     * once this build's class-data archive is made ({@link SharedClassArchive}), with it, and the class path's folders
     * as the one jar it was made from.
     */
    public static List<String> onTestClassPath() {
        List<String> cmd = java();
        String classPath = System.getProperty("java.class.path");
        cmd.addAll(SharedClassArchive.options(classPath).orElse(List.of("-cp", classPath)));
        return cmd;
    }
}
