package genesyslake;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the product (genesyslake.. but genesyslake.local..) never depends on a stand-in or on what only the
 * stand-ins use (S3Proxy, jclouds, Jetty, the Genesys SDK): genesys-lake-production.jar leaves all of them out.
 */
@UnitTest
class ProductApartFromStandInsTest {

    /** The main classes folder only (both roots' classes end up there), not every jar on the class path: quicker. */
    private static final JavaClasses CLASSES = new ClassFileImporter().importLocations(List.of(Location.of(
            LakeConfiguration.class.getProtectionDomain().getCodeSource().getLocation())));

    @Test
    void theProductNeverDependsOnAStandIn() {
        ArchRule rule = noClasses().that().resideInAPackage("genesyslake..").and().resideOutsideOfPackage("genesyslake.local..")
                .should().dependOnClassesThat().resideInAnyPackage("genesyslake.local..", "org.gaul..", "org.jclouds..",
                        "org.eclipse.jetty..", "com.mypurecloud..")
                .because("the production artifact carries none of them (the stand-ins plug in behind genesyslake.mode.StandIns)");
        rule.check(CLASSES);
    }

    /** The rule above looks at something: both roots' classes are imported (a rule over no class passes). */
    @Test
    void bothSourceRootsAreImported() {
        assertTrue(CLASSES.containPackage("genesyslake.local.genesys"), "the stand-ins are on the test class path");
        assertTrue(CLASSES.contain(LakeConfiguration.class), "the product is");
    }
}
