package io.devsec.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reflection over a module's public API, for the tests that hold every module to the same API rules
 * (one exception root, {@code toBuilder()} on value types with builders).
 *
 * <p>A module's public API is every public top-level type of its main classes whose package is not
 * {@code .internal} (nor below one).
 */
public final class PublicApi {
    private PublicApi() {
    }

    /**
     * The public top-level types of the main classes that hold {@code anchor}, outside {@code .internal}.
     *
     * @param anchor any class of the module's main code
     * @return the types, sorted by name
     */
    public static List<Class<?>> publicTypes(Class<?> anchor) {
        Path root;
        try {
            root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String rel = root.relativize(f).toString().replace('\\', '/');
                if (!rel.endsWith(".class") || rel.contains("$") || rel.endsWith("module-info.class")
                        || rel.endsWith("package-info.class")) {
                    continue;
                }
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                String pkg = name.substring(0, name.lastIndexOf('.'));
                if (pkg.endsWith(".internal") || pkg.contains(".internal.")) {
                    continue;
                }
                Class<?> c = Class.forName(name, false, anchor.getClassLoader());
                if (Modifier.isPublic(c.getModifiers())) {
                    out.add(c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        out.sort(Comparator.comparing(Class::getName));
        return out;
    }

    /**
     * The public checked exceptions of the module holding {@code root} that do not extend it, leaving out
     * the ones named in {@code exempt} (each must still exist and still not extend the root, so the list
     * cannot go stale).
     *
     * @param root the module's exception root
     * @param exempt the exceptions a JDK contract or the I/O rule keeps outside the root
     * @return the names of the offenders, sorted; empty when the module keeps the rule
     */
    public static Set<String> checkedExceptionsOutsideRoot(Class<? extends Exception> root, Set<Class<?>> exempt) {
        Set<String> out = new TreeSet<>();
        for (Class<?> c : publicTypes(root)) {
            boolean checked = Exception.class.isAssignableFrom(c) && !RuntimeException.class.isAssignableFrom(c);
            if (!checked || root.isAssignableFrom(c)) {
                if (exempt.contains(c)) {
                    out.add(c.getName() + " (exempt, but extends the root or is unchecked: drop it from the list)");
                }
                continue;
            }
            if (!exempt.contains(c)) {
                out.add(c.getName() + " extends " + c.getSuperclass().getName());
            }
        }
        return out;
    }

    /**
     * What every public accessor of a value returns: each public, non-static, no-argument method declared by
     * its class (not {@code toBuilder}, {@code toString}, {@code hashCode}, nor one returning {@code void} or a
     * derived value of the same class, such as a view), by name. An {@code Optional} is unwrapped so that an
     * array inside it compares by content.
     *
     * @param value the value
     * @return accessor name to result, in name order
     */
    public static Map<String, Object> accessors(Object value) {
        Objects.requireNonNull(value, "value");
        List<Method> methods = new ArrayList<>();
        for (Method m : value.getClass().getMethods()) {
            if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers())
                    || m.getParameterCount() != 0 || m.getReturnType() == void.class
                    || m.getName().equals("toBuilder") || m.getName().equals("toString")
                    || m.getName().equals("hashCode") || m.getReturnType() == value.getClass()) {
                continue;
            }
            methods.add(m);
        }
        methods.sort(Comparator.comparing(Method::getName));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Method m : methods) {
            try {
                Object result = m.invoke(value);
                if (result instanceof java.util.Optional) {
                    result = ((java.util.Optional<?>) result).map(v -> (Object) v).orElse("<empty Optional>");
                }
                out.put(m.getName(), result);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                out.put(m.getName(), "threw " + e.getCause().getClass().getName());
            }
        }
        return out;
    }

    /**
     * The accessors whose results differ between two values (arrays compared by content).
     *
     * @param a one value
     * @param b the other, of the same class
     * @return the names of the accessors that differ, sorted
     */
    public static Set<String> differingAccessors(Object a, Object b) {
        Map<String, Object> x = accessors(a);
        Map<String, Object> y = accessors(b);
        Set<String> out = new TreeSet<>();
        for (Map.Entry<String, Object> e : x.entrySet()) {
            if (!Objects.deepEquals(e.getValue(), y.get(e.getKey()))) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /**
     * The public types of the module holding {@code anchor} that have a static {@code builder(...)} returning
     * their own nested {@code Builder} but no public {@code toBuilder()}, leaving out {@code notValues} (services
     * and reports that are built, not values that are derived).
     *
     * @param anchor any class of the module's main code
     * @param notValues the types exempt, each with a builder
     * @return the names of the offenders, sorted
     */
    public static Set<String> builderTypesWithoutToBuilder(Class<?> anchor, Set<Class<?>> notValues) {
        Set<String> out = new TreeSet<>();
        for (Class<?> c : publicTypes(anchor)) {
            boolean hasBuilder = false;
            for (Method m : c.getMethods()) {
                if (Modifier.isStatic(m.getModifiers()) && m.getName().equals("builder")
                        && m.getReturnType().getEnclosingClass() == c) {
                    hasBuilder = true;
                }
            }
            if (!hasBuilder) {
                continue;
            }
            boolean hasToBuilder;
            try {
                hasToBuilder = !Modifier.isStatic(c.getMethod("toBuilder").getModifiers());
            } catch (NoSuchMethodException e) {
                hasToBuilder = false;
            }
            if (notValues.contains(c)) {
                if (hasToBuilder) {
                    out.add(c.getName() + " (listed as not a value, but has toBuilder(): drop it from the list)");
                }
            } else if (!hasToBuilder) {
                out.add(c.getName());
            }
        }
        return out;
    }

    /**
     * Every public or protected member of the module's public API whose signature (generic types included)
     * names a type from a package starting with {@code forbiddenPrefix}, such as {@code com.fasterxml.}.
     *
     * @param anchor any class of the module's main code
     * @param forbiddenPrefix the package prefix that must not appear
     * @return "type: member" for each offender, sorted
     */
    public static Set<String> signaturesNaming(Class<?> anchor, String forbiddenPrefix) {
        Set<String> out = new TreeSet<>();
        List<Class<?>> types = new ArrayList<>();
        for (Class<?> c : publicTypes(anchor)) {
            collectNested(c, types);
        }
        for (Class<?> c : types) {
            List<String> parts = new ArrayList<>();
            if (c.getGenericSuperclass() != null) {
                parts.add("extends " + c.getGenericSuperclass().getTypeName());
            }
            for (java.lang.reflect.Type t : c.getGenericInterfaces()) {
                parts.add("implements " + t.getTypeName());
            }
            for (String p : parts) {
                if (p.contains(forbiddenPrefix)) {
                    out.add(c.getName() + ": " + p);
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic() && m.toGenericString().contains(forbiddenPrefix)) {
                    out.add(c.getName() + ": " + m.toGenericString());
                }
            }
            for (java.lang.reflect.Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers()) && k.toGenericString().contains(forbiddenPrefix)) {
                    out.add(c.getName() + ": " + k.toGenericString());
                }
            }
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers()) && f.toGenericString().contains(forbiddenPrefix)) {
                    out.add(c.getName() + ": " + f.toGenericString());
                }
            }
        }
        return out;
    }

    private static void collectNested(Class<?> c, List<Class<?>> into) {
        into.add(c);
        for (Class<?> n : c.getDeclaredClasses()) {
            if (visible(n.getModifiers())) {
                collectNested(n, into);
            }
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }
}
