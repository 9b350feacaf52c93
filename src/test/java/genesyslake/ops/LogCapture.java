package genesyslake.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Captures every log event of the JVM (root logger) while open, as the lines an operator would read. */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.setName("ops-test-capture");
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    /** Each event as "LEVEL logger - message", followed by its exception chain (messages and stack frames). */
    public List<String> lines() {
        List<ILoggingEvent> events;
        synchronized (appender) { // AppenderBase.doAppend appends under this lock
            events = new ArrayList<>(appender.list);
        }
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : events) {
            StringBuilder sb = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                sb.append("\n  caused by ").append(t.getClassName()).append(": ").append(t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    sb.append("\n    ").append(frame.getSTEAsString());
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    public List<String> matching(Predicate<String> p) {
        return lines().stream().filter(p).toList();
    }

    /** Waits (bounded) until a line matches; returns it, or null when none came. */
    public String await(Predicate<String> p, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            List<String> m = matching(p);
            if (!m.isEmpty()) {
                return m.get(0);
            }
            if (System.currentTimeMillis() > deadline) {
                return null;
            }
            Thread.sleep(50);
        }
    }

    public void clear() {
        synchronized (appender) {
            appender.list.clear();
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
