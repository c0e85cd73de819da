/**
 * {@code devsec sbom-check}: an offline check of a CycloneDX SBOM against OSV advisories (provision 4.2),
 * with Maven and SemVer version ordering.
 */
package io.devsec.tools.sbom;
