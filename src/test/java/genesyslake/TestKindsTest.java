package genesyslake;

import genesyslake.testsupport.BrowserTest;
import genesyslake.testsupport.FlowTest;
import genesyslake.testsupport.ProcessTest;
import genesyslake.testsupport.ScaleTest;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every test class has a kind (unit, flow, process, scale, browser: what {@code -Dgroups=} selects), given by one of
 * testsupport's annotations so a tag cannot be misspelt; a raw {@code @Tag} with another name fails too.
 */
@UnitTest
class TestKindsTest {

    private static final List<Class<? extends Annotation>> KINDS =
            List.of(UnitTest.class, FlowTest.class, ProcessTest.class, ScaleTest.class, BrowserTest.class);
    private static final Set<String> TAGS = Set.of("unit", "flow", "process", "scale", "browser");

    @Test
    void everyTestClassHasAKind() throws Exception {
        List<Class<?>> testClasses = testClasses();
        assertTrue(testClasses.contains(TestKindsTest.class), "found the test classes: " + testClasses);
        Set<String> missing = new TreeSet<>();
        Set<String> strayTags = new TreeSet<>();
        for (Class<?> c : testClasses) {
            Class<?> top = topLevel(c);
            if (KINDS.stream().noneMatch(k -> AnnotationSupport.isAnnotated(top, k))) {
                missing.add(top.getName());
            }
            for (Tag tag : AnnotationSupport.findRepeatableAnnotations(c, Tag.class)) {
                if (!TAGS.contains(tag.value())) {
                    strayTags.add(c.getName() + " @Tag(\"" + tag.value() + "\")");
                }
            }
        }
        assertEquals(Set.of(), missing, "test classes without @UnitTest, @FlowTest, @ProcessTest, @ScaleTest or "
                + "@BrowserTest (genesyslake.testsupport): give each its kind");
        assertEquals(Set.of(), strayTags, "tags other than " + TAGS + ": use testsupport's annotations instead");
    }

    /** Classes under target/test-classes with a method JUnit runs (@Test, @ParameterizedTest, @ArchTest, ...). */
    private static List<Class<?>> testClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(TestKindsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), ".");
                Class<?> c = Class.forName(name.substring(0, name.length() - ".class".length()), false,
                        TestKindsTest.class.getClassLoader());
                if (runsTests(c)) {
                    found.add(c);
                }
            }
        }
        return found;
    }

    private static boolean runsTests(Class<?> c) {
        try {
            for (Method m : c.getDeclaredMethods()) {
                if (testable(m)) {
                    return true;
                }
            }
            return Stream.of(c.getDeclaredFields()).anyMatch(TestKindsTest::testable);
        } catch (NoClassDefFoundError | TypeNotPresentException e) {
            // A class whose signatures name a missing class cannot be a test JUnit runs either.
            return false;
        }
    }

    private static boolean testable(AnnotatedElement e) {
        return AnnotationSupport.isAnnotated(e, Testable.class);
    }

    private static Class<?> topLevel(Class<?> c) {
        Class<?> top = c;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        return top;
    }
}
