package genesyslake.management;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.StandardMBean;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * An MXBean with the names and descriptions its interface declares with {@link Describe}: JMX's own introspection
 * names parameters p0, p1, … and describes everything by its name, which leaves jconsole and Jolokia's {@code list}
 * saying nothing about what an operation expects.
 */
public final class DescribedMBean<T> extends StandardMBean {

    private final Class<T> type;

    public DescribedMBean(T implementation, Class<T> type) {
        super(implementation, type, true);
        this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        Describe d = type.getAnnotation(Describe.class);
        return d != null ? d.value() : super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        for (String prefix : new String[] {"get", "is"}) {
            Describe d = describe(method(prefix + info.getName(), 0));
            if (d != null) {
                return d.value();
            }
        }
        return super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        Describe d = describe(method(info.getName(), info.getSignature().length));
        return d != null ? d.value() : super.getDescription(info);
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        Describe d = parameter(op, sequence);
        return d != null && !d.name().isEmpty() ? d.name() : super.getParameterName(op, param, sequence);
    }

    @Override
    protected String getDescription(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        Describe d = parameter(op, sequence);
        return d != null ? d.value() : super.getDescription(op, param, sequence);
    }

    private Describe parameter(MBeanOperationInfo op, int sequence) {
        Method m = method(op.getName(), op.getSignature().length);
        if (m == null || sequence >= m.getParameterCount()) {
            return null;
        }
        return Arrays.stream(m.getParameterAnnotations()[sequence]).filter(a -> a instanceof Describe)
                .map(a -> (Describe) a).findFirst().orElse(null);
    }

    /** The interface method of that name and arity (an MXBean interface here has no overloads of equal arity). */
    private Method method(String name, int arity) {
        return Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name) && m.getParameterCount() == arity)
                .findFirst().orElse(null);
    }

    private static Describe describe(Method m) {
        return m == null ? null : m.getAnnotation(Describe.class);
    }
}
