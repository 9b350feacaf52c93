package genesyslake.testsupport;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test of classes in this JVM alone: no server, no Camel context, no process (seconds for all of them).
 * {@code mvn -B test -Dgroups=unit} runs this kind alone; every test class has a kind (TestKindsTest).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("unit")
public @interface UnitTest {
}
