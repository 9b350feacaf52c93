package genesyslake.testsupport;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test over big data or many runs (a million-conversation day, a real Trino, bench-sized inputs): the slowest kind.
 * {@code mvn -B test -Dgroups=scale} runs this kind alone; every test class has a kind (TestKindsTest).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("scale")
public @interface ScaleTest {
}
