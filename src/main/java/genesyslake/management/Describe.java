package genesyslake.management;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a JMX client (jconsole, Jolokia's list) shows for an operation, attribute or parameter of an MXBean interface:
 * a description and, for a parameter, its name (JMX would otherwise say p0, p1). Read by {@link DescribedMBean}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE})
public @interface Describe {

    /** The description. */
    String value();

    /** A parameter's name; ignored on methods. */
    String name() default "";
}
