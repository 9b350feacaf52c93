package genesyslake.lake;

/**
 * A run stopped by {@code cancelRun} between pages (thrown by the flows' routes when {@link RunCancel} is set). Its
 * spool and saved job stay as a kill leaves them: the same interval run again resumes where it stopped.
 */
public final class RunCancelledException extends RuntimeException {

    public RunCancelledException(String message) {
        super(message);
    }

    /** Whether {@code e} or one of its causes is a cancellation. */
    public static boolean isCancellation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RunCancelledException) {
                return true;
            }
        }
        return false;
    }
}
