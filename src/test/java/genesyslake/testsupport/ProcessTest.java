package genesyslake.testsupport;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that starts a JVM of its own (java -jar, a second daemon, a kill mid-run) or another program it waits on.
 * {@code mvn -B test -Dgroups=process} runs this kind alone; every test class has a kind (TestKindsTest).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("process")
public @interface ProcessTest {
}
