package io.devsec.core;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.devsec.core.archfixture.ExposingFixtures;
import io.devsec.core.archfixture.internal.Hidden;
import io.devsec.core.archfixture.internal.HiddenApi;
import io.devsec.core.archfixture.parts.Facade;
import io.devsec.storage.archfixture.LeafUsesCore;
import io.devsec.storage.archfixture.LeafUsesOwnModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of ARCHITECTURE.md: a leaf (storage, transport, update) never depends on another
 * module of ours, and public API never exposes an {@code .internal} type. Each rule is also run against
 * fixtures that break it, so a rule that silently matches nothing would fail here.
 */
class ArchitectureTest {

    static final List<String> LEAVES = List.of("storage", "transport", "update");

    static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.devsec");
    }

    /** Leaf {@code leaf} depends on no io.devsec class outside itself. */
    static ArchRule leafIsIndependent(String leaf) {
        String own = "io.devsec." + leaf + "..";
        return noClasses().that().resideInAPackage(own)
                .should().dependOnClassesThat(resideInAPackage("io.devsec..").and(not(resideInAPackage(own))))
                .because("leaf modules depend only on the JDK and third-party libraries (ARCHITECTURE.md)")
                .allowEmptyShould(true);
    }

    static ArchRule leavesAreIndependent() {
        CompositeArchRule rule = CompositeArchRule.of(leafIsIndependent(LEAVES.get(0)));
        for (String leaf : LEAVES.subList(1, LEAVES.size())) {
            rule = rule.and(leafIsIndependent(leaf));
        }
        return rule;
    }

    static ArchRule apiExposesNoInternalType() {
        return classes().that().resideInAPackage("io.devsec..").and().resideOutsideOfPackage("..internal..")
                .and().arePublic()
                .should(exposeNoInternalType())
                .because("public API never exposes an .internal type (STYLE.md habit 1)");
    }

    static boolean isInternal(JavaClass c) {
        String pkg = c.getPackageName();
        return pkg.startsWith("io.devsec.") && (pkg.contains(".internal.") || pkg.endsWith(".internal"));
    }

    static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<JavaClass>("expose no ..internal.. type in a public or protected signature, "
                + "public field, superclass or interface") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                List<String> leaks = new ArrayList<>();
                c.getSuperclass().ifPresent(t -> report(leaks, "superclass", t));
                for (JavaType t : c.getInterfaces()) {
                    report(leaks, "interface", t);
                }
                for (JavaField f : c.getFields()) {
                    if (visible(f.getModifiers())) {
                        report(leaks, "field " + f.getName(), f.getType());
                    }
                }
                for (JavaCodeUnit u : c.getCodeUnits()) {
                    if (!visible(u.getModifiers()) || u.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                        continue;
                    }
                    report(leaks, u.getName() + "() return type", u.getReturnType());
                    for (JavaType p : u.getParameterTypes()) {
                        report(leaks, u.getName() + "() parameter", p);
                    }
                    for (JavaClass thrown : u.getThrowsClause().getTypes()) {
                        report(leaks, u.getName() + "() throws", thrown);
                    }
                }
                for (String leak : leaks) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " exposes " + leak));
                }
            }
        };
    }

    static void report(List<String> leaks, String where, JavaType type) {
        for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            if (isInternal(raw)) {
                leaks.add(raw.getName() + " in its " + where);
            }
        }
    }

    // ------------------------------------------------------------------ the real code

    @Test
    void import_seesTheModulesButNoTestClasses() {
        long storage = production.stream().filter(c -> c.getPackageName().startsWith("io.devsec.storage")).count();
        long core = production.stream().filter(c -> c.getPackageName().startsWith("io.devsec.core")).count();
        System.out.println("ArchitectureTest imported " + production.size() + " classes: storage " + storage + ", core " + core
                + ", transport " + production.stream().filter(c -> c.getPackageName().startsWith("io.devsec.transport")).count()
                + ", update " + production.stream().filter(c -> c.getPackageName().startsWith("io.devsec.update")).count());
        assertThat(storage).isPositive();
        assertThat(core).isPositive();
        assertThat(production.contain(DeviceSecurity.class.getName())).isTrue();
        assertThat(production.contain(LeafUsesCore.class.getName())).as("test fixtures are not imported").isFalse();
        assertThat(production.contain(ArchitectureTest.class.getName())).isFalse();
    }

    @Test
    void leaves_dependOnNoOtherModule() {
        leavesAreIndependent().check(production);
    }

    @Test
    void publicApi_exposesNoInternalType() {
        apiExposesNoInternalType().check(production);
    }


    // ------------------------------------------------------------------ the composition root

    /** The top-level class {@code c} is nested in (itself when it is top-level). */
    static String topLevel(JavaClass c) {
        String name = c.getName();
        int dollar = name.indexOf('$');
        return dollar < 0 ? name : name.substring(0, dollar);
    }

    /**
     * No class outside {@code facade} (and its nested classes) reads or writes one of its instance fields, and every
     * instance field of {@code facade} is private and final: the facade only composes and delegates.
     * {@code scanned} is the ArchUnit package pattern of the classes checked.
     */
    static ArchRule facadeFieldsStayInside(String facade, String scanned) {
        return classes().that().resideInAPackage(scanned)
                .should(new ArchCondition<JavaClass>("neither reach into a field of " + facade
                        + " nor, for the facade itself, hold a field that is not private final") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        if (c.getName().equals(facade)) {
                            for (JavaField f : c.getFields()) {
                                Set<JavaModifier> m = f.getModifiers();
                                if (!m.contains(JavaModifier.STATIC) && !m.contains(JavaModifier.SYNTHETIC)
                                        && !(m.contains(JavaModifier.PRIVATE) && m.contains(JavaModifier.FINAL))) {
                                    events.add(SimpleConditionEvent.violated(c, facade + " field " + f.getName()
                                            + " is not private final"));
                                }
                            }
                            return;
                        }
                        if (topLevel(c).equals(facade)) {
                            return;
                        }
                        for (JavaFieldAccess a : c.getFieldAccessesFromSelf()) {
                            if (a.getTargetOwner().getName().equals(facade)
                                    && !a.getTarget().resolveMember().map(f -> f.getModifiers().contains(JavaModifier.STATIC))
                                            .orElse(false)) {
                                events.add(SimpleConditionEvent.violated(c, c.getName() + " accesses field "
                                        + a.getTarget().getName() + " of " + facade + " (" + a.getSourceCodeLocation() + ")"));
                            }
                        }
                    }
                })
                .because("the facade is a composition root: parts own their state (issue 10)")
                .allowEmptyShould(true);
    }

    /** A part is a class of {@code pkg} whose top-level name ends with {@code Part}. */
    static boolean isPart(JavaClass c, String pkg) {
        return c.getPackageName().equals(pkg) && topLevel(c).endsWith("Part");
    }

    /**
     * The parts of package {@code pkg} do not depend on one another's classes: they talk only through the narrow
     * interfaces the facade hands them (EventSink, DeviceIdentity, IntegrityState, Quarantine).
     */
    static ArchRule partsTalkThroughInterfaces(String pkg) {
        return classes().that().resideInAPackage(pkg)
                .should(new ArchCondition<JavaClass>("not depend on another part's class (only on interfaces)") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        if (!isPart(c, pkg)) {
                            return;
                        }
                        Set<String> seen = new java.util.TreeSet<>();
                        for (Dependency d : c.getDirectDependenciesFromSelf()) {
                            JavaClass target = d.getTargetClass().isArray()
                                    ? d.getTargetClass().getBaseComponentType() : d.getTargetClass();
                            if (isPart(target, pkg) && !topLevel(target).equals(topLevel(c)) && seen.add(target.getName())) {
                                events.add(SimpleConditionEvent.violated(c, c.getName() + " depends on part class "
                                        + target.getName() + " (" + d.getDescription() + ")"));
                            }
                        }
                    }
                })
                .because("parts talk through listeners or narrow interfaces, never another part's fields (issue 10)")
                .allowEmptyShould(true);
    }

    @Test
    void deviceSecurity_fieldsPrivateFinal_noOtherClassReachesIn() {
        facadeFieldsStayInside(DeviceSecurity.class.getName(), "io.devsec..").check(production);
    }

    @Test
    void coreParts_dependOnEachOtherOnlyThroughInterfaces() {
        assertThat(production.stream().filter(c -> isPart(c, "io.devsec.core")).map(ArchitectureTest::topLevel)
                .distinct().count()).as("the rule sees the parts").isGreaterThanOrEqualTo(6);
        partsTalkThroughInterfaces("io.devsec.core").check(production);
    }

    @Test
    void facadeRule_helperWritingFacadeField_isViolation() {
        JavaClasses fixtures = new ClassFileImporter().importPackages("io.devsec.core.archfixture.parts");
        EvaluationResult result = facadeFieldsStayInside(Facade.class.getName(), "io.devsec.core.archfixture.parts").evaluate(fixtures);
        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains("ReachesIntoFacade accesses field state")
                .contains("field state is not private final")
                .doesNotContain("UsesFacadeMethod")
                .doesNotContain("field lock");
    }

    @Test
    void partsRule_partUsingAnotherPartsClass_isViolation() {
        JavaClasses fixtures = new ClassFileImporter().importPackages("io.devsec.core.archfixture.parts");
        EvaluationResult result = partsTalkThroughInterfaces("io.devsec.core.archfixture.parts").evaluate(fixtures);
        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains("BetaPart depends on part class io.devsec.core.archfixture.parts.AlphaPart")
                .doesNotContain("AlphaPart depends on");
    }

    // ------------------------------------------------------------------ each rule can fail

    @Test
    void leafRule_leafClassUsingCore_isViolation() {
        JavaClasses fixtures = new ClassFileImporter().importClasses(LeafUsesCore.class, LeafUsesOwnModule.class,
                DeviceSecurity.class);
        EvaluationResult result = leavesAreIndependent().evaluate(fixtures);
        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains(LeafUsesCore.class.getName())
                .doesNotContain(LeafUsesOwnModule.class.getName());
    }

    @Test
    void leafRule_leafUsingOnlyItself_passes() {
        JavaClasses fixtures = new ClassFileImporter().importClasses(LeafUsesOwnModule.class);
        assertThat(leavesAreIndependent().evaluate(fixtures).hasViolation()).isFalse();
    }

    @Test
    void exposureRule_eachKindOfLeak_isViolation() {
        List<Class<?>> leaking = List.of(ExposingFixtures.ReturnsInternal.class, ExposingFixtures.TakesInternal.class,
                ExposingFixtures.PublicFieldOfInternal.class, ExposingFixtures.ExtendsInternal.class,
                ExposingFixtures.ImplementsInternal.class, ExposingFixtures.ProtectedConstructorTakesInternal.class);
        for (Class<?> fixture : leaking) {
            JavaClasses classes = new ClassFileImporter().importClasses(fixture, Hidden.class, HiddenApi.class);
            EvaluationResult result = apiExposesNoInternalType().evaluate(classes);
            assertThat(result.hasViolation()).as(fixture.getSimpleName()).isTrue();
            assertThat(String.join("\n", result.getFailureReport().getDetails()))
                    .contains(fixture.getName()).contains(Hidden.class.getPackageName());
        }
    }

    @Test
    void exposureRule_internalUsedPrivately_passes() {
        JavaClasses classes = new ClassFileImporter().importClasses(ExposingFixtures.UsesInternalPrivately.class,
                Hidden.class, HiddenApi.class);
        assertThat(apiExposesNoInternalType().evaluate(classes).hasViolation()).isFalse();
    }
}
