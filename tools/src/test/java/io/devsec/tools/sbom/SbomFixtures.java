package io.devsec.tools.sbom;

/** OSV records shared by the sbom-check tests. */
public final class SbomFixtures {
    private SbomFixtures() {
    }

    /** The real OSV record of CVE-2019-12384 in jackson-databind, trimmed to the fields the check reads. */
    public static final String JACKSON_CVE_2019_12384 = """
            {
              "schema_version": "1.4.0",
              "id": "GHSA-mph4-vhrx-mv67",
              "modified": "2024-03-15T12:00:00Z",
              "published": "2019-07-05T21:07:58Z",
              "aliases": ["CVE-2019-12384"],
              "summary": "Deserialization of Untrusted Data in jackson-databind",
              "details": "FasterXML jackson-databind 2.x before 2.9.9.1 might allow attackers to have a variety of impacts...",
              "affected": [
                {
                  "package": {"ecosystem": "Maven", "name": "com.fasterxml.jackson.core:jackson-databind"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0"}, {"fixed": "2.9.9.1"}]}],
                  "database_specific": {"last_known_affected_version_range": "<= 2.9.9.0"}
                }
              ]
            }
            """;

}
