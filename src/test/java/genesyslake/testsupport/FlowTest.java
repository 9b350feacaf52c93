package genesyslake.testsupport;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that starts the daemon, a Camel context or a stand-in server (local Genesys, S3, Glue/Athena, moto) in this JVM.
 * {@code mvn -B test -Dgroups=flow} runs this kind alone; every test class has a kind (TestKindsTest).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("flow")
public @interface FlowTest {
}
