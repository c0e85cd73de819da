package io.devsec.transport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** transport is a leaf: no other DevSec module, no Paho or internal types in the public API. */
class TransportArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.devsec.transport");
    }

    @Test
    void leaf_dependsOnNoOtherDevSecModule() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.devsec.core..", "io.devsec.storage..",
                "io.devsec.update..", "io.devsec.tools..", "io.devsec.examples..").check(classes);
    }

    @Test
    void publicApi_exposesNeitherPahoNorInternalTypes() {
        DescribedPredicate<JavaClass> forbidden = DescribedPredicate.describe("Paho or internal types",
                c -> c.getPackageName().startsWith("org.eclipse.paho") || c.getPackageName().startsWith("io.devsec.transport.internal"));
        methods().that().arePublic().and().areDeclaredInClassesThat().resideInAPackage("io.devsec.transport")
                .and().areDeclaredInClassesThat().arePublic()
                .should(com.tngtech.archunit.lang.conditions.ArchConditions.not(
                        com.tngtech.archunit.lang.conditions.ArchConditions.haveRawReturnType(forbidden)))
                .andShould(com.tngtech.archunit.lang.conditions.ArchConditions.not(
                        com.tngtech.archunit.lang.conditions.ArchConditions.haveRawParameterTypes(
                                DescribedPredicate.anyElementThat(forbidden))))
                .check(classes);
    }

    @Test
    void publicApiClasses_areFinalOrInterfacesOrEnums() {
        classes().that().resideInAPackage("io.devsec.transport").and().arePublic().and().areNotInterfaces()
                .and().areNotEnums().and().doNotHaveModifier(JavaModifier.ABSTRACT) // the exception root
                .should().haveModifier(JavaModifier.FINAL).check(classes);
    }

    @Test
    void paho_isUsedOnlyInsideInternal() {
        noClasses().that().resideInAPackage("io.devsec.transport")
                .should().dependOnClassesThat().resideInAPackage("org.eclipse.paho..").check(classes);
    }
}
