package genesyslake.local.genesys;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks request bodies against the official SDK's request models (com.mypurecloud.sdk.v2.model), read
 * reflectively: every enum-typed field must hold one of the values the SDK enum has (its JSON value, exactly;
 * OUTDATEDSDKVERSION is the SDK's own placeholder, never a value), arrays, objects, numbers and strings must be
 * where the model has them. A refusal is a 400 naming the field path and the value. Fields the model does not
 * have are left alone (the model test covers what we send ourselves).
 */
final class SdkSchema {

    static final String OUTDATED = "OUTDATEDSDKVERSION";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<Class<?>, Map<String, JavaType>> PROPERTIES = new ConcurrentHashMap<>();
    private static final Map<Class<?>, List<String>> ENUM_VALUES = new ConcurrentHashMap<>();

    private SdkSchema() {
    }

    /** The JSON values of an SDK enum, in declaration order, without OUTDATEDSDKVERSION. */
    static List<String> values(Class<?> enumType) {
        return ENUM_VALUES.computeIfAbsent(enumType, t -> {
            List<String> out = new ArrayList<>();
            for (Object c : t.getEnumConstants()) {
                String v = c.toString();
                if (!v.equals(OUTDATED) && !((Enum<?>) c).name().equals(OUTDATED)) {
                    out.add(v);
                }
            }
            return Collections.unmodifiableList(out);
        });
    }

    /** The JSON values of the enum the SDK model has at that property (e.g. values(ConversationQuery.class, "order")). */
    static List<String> values(Class<?> model, String property) {
        JavaType t = properties(model).get(property);
        if (t == null) {
            throw new IllegalArgumentException(model.getSimpleName() + " has no property " + property);
        }
        while (t.isContainerType()) {
            t = t.getContentType();
        }
        return values(t.getRawClass());
    }

    /** Throws a 400 BadRequest naming the first field whose value the model does not allow. */
    static void check(JsonNode body, Class<?> model) {
        if (body == null || !body.isObject()) {
            throw new BadRequest("The request body must be a JSON object");
        }
        checkObject(body, model, "");
    }

    private static Map<String, JavaType> properties(Class<?> model) {
        return PROPERTIES.computeIfAbsent(model, m -> {
            Map<String, JavaType> props = new LinkedHashMap<>();
            for (BeanPropertyDefinition p : MAPPER.getSerializationConfig().introspect(MAPPER.constructType(m))
                    .findProperties()) {
                props.put(p.getName(), p.getPrimaryType());
            }
            return Collections.unmodifiableMap(props);
        });
    }

    private static void checkObject(JsonNode node, Class<?> model, String path) {
        Map<String, JavaType> props = properties(model);
        for (Entry<String, JsonNode> f : (Iterable<Entry<String, JsonNode>>) node::fields) {
            JavaType type = props.get(f.getKey());
            if (type != null) {
                checkValue(f.getValue(), type, path.isEmpty() ? f.getKey() : path + "." + f.getKey());
            }
        }
    }

    private static void checkValue(JsonNode v, JavaType type, String path) {
        if (v == null || v.isNull()) {
            return;
        }
        Class<?> raw = type.getRawClass();
        if (type.isCollectionLikeType()) {
            if (!v.isArray()) {
                throw new BadRequest(path + " must be an array, not " + v);
            }
            for (int i = 0; i < v.size(); i++) {
                checkValue(v.get(i), type.getContentType(), path + "[" + i + "]");
            }
        } else if (raw.isEnum()) {
            List<String> allowed = values(raw);
            if (!v.isTextual() || !allowed.contains(v.asText())) {
                throw new BadRequest("Invalid value " + (v.isTextual() ? "'" + v.asText() + "'" : v.toString()) + " for "
                        + path + ": expected one of " + allowed);
            }
        } else if (raw == String.class) {
            if (!v.isTextual()) {
                throw new BadRequest(path + " must be a string, not " + v);
            }
        } else if (raw == Integer.class || raw == Long.class || raw == int.class || raw == long.class) {
            if (!v.isIntegralNumber()) {
                throw new BadRequest(path + " must be an integer, not " + v);
            }
        } else if (Number.class.isAssignableFrom(raw)) {
            if (!v.isNumber()) {
                throw new BadRequest(path + " must be a number, not " + v);
            }
        } else if (raw == Boolean.class || raw == boolean.class) {
            if (!v.isBoolean()) {
                throw new BadRequest(path + " must be true or false, not " + v);
            }
        } else if (raw.getName().startsWith("com.mypurecloud.sdk.v2.model.")) {
            if (!v.isObject()) {
                throw new BadRequest(path + " must be an object, not " + v);
            }
            checkObject(v, raw, path);
        }
    }
}
