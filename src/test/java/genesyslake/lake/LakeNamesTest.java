package genesyslake.lake;

import genesyslake.testsupport.UnitTest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the names routes and Java share live in {@link LakeNames} only: every {@code lake…} name a route file uses is
 * declared there (a typo in a route fails here), no other Java file spells one as a string, and none declared is unused.
 */
@UnitTest
class LakeNamesTest {

    private static final Pattern NAME = Pattern.compile("\\blake[A-Z]\\w*");
    private static final Pattern LITERAL = Pattern.compile("\"(lake[A-Z]\\w*)\"");

    private static Set<String> declared() {
        return Arrays.stream(LakeNames.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(LakeNamesTest::value).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String value(Field f) {
        try {
            return (String) f.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> files(String dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(Path.of(dir))) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void everyNameTheRoutesUseIsDeclared() throws IOException {
        Set<String> declared = declared();
        TreeMap<String, String> unknown = new TreeMap<>();
        List<Path> routes = files("routes", ".yaml");
        assertFalse(routes.isEmpty(), "route files found");
        for (Path route : routes) {
            Matcher m = NAME.matcher(Files.readString(route));
            while (m.find()) {
                if (!declared.contains(m.group())) {
                    unknown.putIfAbsent(m.group(), route.toString());
                }
            }
        }
        assertEquals(new TreeMap<>(), unknown, "lake… names used in routes but not declared in LakeNames (a typo, or add it)");
    }

    @Test
    void noOtherJavaFileSpellsAName() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path java : files("src/main/java", ".java")) {
            if (java.getFileName().toString().equals("LakeNames.java")) {
                continue;
            }
            Matcher m = LITERAL.matcher(Files.readString(java));
            while (m.find()) {
                found.add(java.getFileName() + ": " + m.group());
            }
        }
        assertEquals(List.of(), found, "use the LakeNames constant instead of the string");
    }

    @Test
    void everyDeclaredNameIsUsed() throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path route : files("routes", ".yaml")) {
            all.append(Files.readString(route));
        }
        for (Path java : files("src/main/java", ".java")) {
            if (!java.getFileName().toString().equals("LakeNames.java")) {
                all.append(Files.readString(java));
            }
        }
        List<String> unused = new ArrayList<>();
        for (Field f : LakeNames.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                    && !Pattern.compile("\\b" + value(f) + "\\b").matcher(all).find()
                    && !Pattern.compile("LakeNames\\." + f.getName() + "\\b").matcher(all).find()) {
                unused.add(f.getName());
            }
        }
        assertTrue(unused.isEmpty(), "declared in LakeNames but used by no route and no class: " + unused);
    }
}
