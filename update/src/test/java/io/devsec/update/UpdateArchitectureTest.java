package io.devsec.update;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.conditions.ArchConditions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** update is a leaf: no other DevSec module; its API exposes no internal, Bouncy Castle or Jackson type. */
class UpdateArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.devsec.update");
    }

    @Test
    void leaf_dependsOnNoOtherDevSecModule() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.devsec.core..", "io.devsec.storage..",
                "io.devsec.transport..", "io.devsec.tools..", "io.devsec.examples..").check(classes);
    }

    @Test
    void publicApi_exposesNoInternalBouncyCastleOrJacksonType() {
        DescribedPredicate<JavaClass> forbidden = DescribedPredicate.describe("internal, Bouncy Castle or Jackson types",
                c -> c.getPackageName().startsWith("io.devsec.update.internal")
                        || c.getPackageName().startsWith("org.bouncycastle")
                        || c.getPackageName().startsWith("com.fasterxml"));
        methods().that().arePublic().and().areDeclaredInClassesThat().resideInAPackage("io.devsec.update")
                .and().areDeclaredInClassesThat().arePublic()
                .should(ArchConditions.not(ArchConditions.haveRawReturnType(forbidden)))
                .andShould(ArchConditions.not(ArchConditions.haveRawParameterTypes(DescribedPredicate.anyElementThat(forbidden))))
                .check(classes);
    }

    @Test
    void publicApiClasses_areFinalInterfacesOrEnums() {
        classes().that().resideInAPackage("io.devsec.update").and().arePublic().and().areNotInterfaces()
                .and().areNotEnums().and().doNotHaveModifier(JavaModifier.ABSTRACT) // the exception root
                .should().haveModifier(JavaModifier.FINAL).check(classes);
    }

    @Test
    void securityFailures_areCheckedGeneralSecurityExceptions() {
        // Refusals of the boot state and slot files (CorruptBootStateException, SlotLinkException) come out of
        // BootControl, an I/O interface, so they are IOExceptions; every other failure is an UpdateException.
        classes().that().resideInAPackage("io.devsec.update").and().haveSimpleNameEndingWith("Exception")
                .should().beAssignableTo(UpdateException.class)
                .orShould().beAssignableTo(java.io.IOException.class).check(classes);
    }
}
