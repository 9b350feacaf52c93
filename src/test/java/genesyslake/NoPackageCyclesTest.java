package genesyslake;

import genesyslake.testsupport.UnitTest;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ensures the product's packages (genesyslake.catalog, .genesys, .lake, .management, …) form no cycle, so each
 * concern can be read, tested and changed from the bottom up; only the root package (GenesysLake,
 * LakeConfiguration and its parts) composes them all, and no package depends back on it.
 */
@UnitTest
class NoPackageCyclesTest {

    /** The main classes folder (both source roots compile into it); the stand-ins are left out below. */
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(location -> !location.contains("/genesyslake/local/"))
            .importLocations(List.of(Location.of(LakeConfiguration.class.getProtectionDomain().getCodeSource().getLocation())));

    @Test
    void theProductPackagesFormNoCycle() {
        ArchRule rule = slices().matching("genesyslake.(*)..").should().beFreeOfCycles()
                .because("a cycle ties two concerns together: move the shared type down or put an interface between them");
        rule.check(CLASSES);
    }

    @Test
    void onlyTheRootPackageComposesThePackages() {
        ArchRule rule = noClasses().that().resideInAPackage("genesyslake.*..")
                .should().dependOnClassesThat().resideInAPackage("genesyslake")
                .because("the root package wires every concern; a concern depending on it closes a cycle through it");
        rule.check(CLASSES);
    }

    /** The rules above look at something (a rule over no class passes) and the stand-ins are not counted. */
    @Test
    void theProductPackagesAreImportedAndTheStandInsAreNot() {
        assertTrue(CLASSES.containPackage("genesyslake.lake") && CLASSES.containPackage("genesyslake.management"), "product packages");
        assertTrue(!CLASSES.containPackage("genesyslake.local.genesys"), "stand-ins left out");
    }
}
