package genesyslake.config;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{millis:usage.poll.delay}}}: a duration setting ("2s", "10m", "PT5M", "500") as milliseconds, the unit the
 * delay EIP and Simple's date arithmetic take. A value that is not a duration fails the route naming the key.
 */
public final class MillisFunction implements PropertiesFunction {

    private final CamelContext context;

    public MillisFunction(CamelContext context) {
        this.context = context;
    }

    @Override
    public String getName() {
        return "millis";
    }

    @Override
    public String apply(String key) {
        String value = context.getPropertiesComponent().resolveProperty(key)
                .orElseThrow(() -> new IllegalArgumentException("{{millis:" + key + "}}: the setting " + key + " is not set"));
        try {
            return String.valueOf(Durations.parse(value).toMillis());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("setting " + key + "='" + value + "' is not a duration such as 30s, 5m, 2h or "
                    + "PT5M", e);
        }
    }
}
