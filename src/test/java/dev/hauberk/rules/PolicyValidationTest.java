package dev.hauberk.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every validation error of scope and exceptions, with the file:line:column it names. */
class PolicyValidationTest {

    @TempDir
    Path dir;

    /** Lines 1 to 5 of every policy below; the rule's id is at 2:9. */
    private static final String HEADER = """
            rules:
              - id: 9
                name: probe
                category: other
                severity: low
            """;

    private Path write(String body) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, HEADER + body);
        return file;
    }

    private RuleCatalog load(String body) throws Exception {
        write(body);
        return RuleCatalog.load(dir);
    }

    private void assertRejected(String body, String positionAndMessage) throws Exception {
        Path file = write(body);
        assertThatThrownBy(() -> RuleCatalog.load(dir))
                .isInstanceOf(RuleSetException.class)
                .hasMessage(file + ":" + positionAndMessage);
    }

    @Test
    void unknownKeyInScope() throws Exception {
        assertRejected("    scope:\n      paths: [/bin/sh]\n", "7:7: unknown key 'paths'; expected one of cidrs, "
                + "container_ids, exe_paths, exe_prefixes, image_ids, parent_exes, ports, uids, where");
    }

    @Test
    void whereIsUnknownInExceptions() throws Exception {
        assertRejected("    exceptions:\n      where: host\n", "7:7: unknown key 'where'; expected one of cidrs, "
                + "container_ids, exe_paths, exe_prefixes, image_ids, parent_exes, ports, uids");
    }

    @Test
    void unknownWhere() throws Exception {
        assertRejected("    scope:\n      where: pod\n", "7:14: scope.where: 'pod' is not one of any, host, container");
    }

    @Test
    void cidrPrefixTooLong() throws Exception {
        assertRejected("    scope:\n      cidrs: [10.0.0.0/33]\n",
                "7:15: scope.cidrs: '10.0.0.0/33' has an invalid prefix length '33'; expected 0 to 32");
    }

    @Test
    void cidrWithHostBits() throws Exception {
        assertRejected("    scope:\n      cidrs: [10.1.0.0/8]\n",
                "7:15: scope.cidrs: '10.1.0.0/8' has host bits set beyond the /8 prefix; did you mean 10.0.0.0/8?");
    }

    @Test
    void cidrIpv6WithHostBits() throws Exception {
        assertRejected("    exceptions:\n      cidrs: [\"fd00::1/8\"]\n",
                "7:15: exceptions.cidrs: 'fd00::1/8' has host bits set beyond the /8 prefix; did you mean fd00::/8?");
    }

    @Test
    void cidrThatIsNoAddress() throws Exception {
        assertRejected("    scope:\n      cidrs:\n        - 10.0.0/8\n", "8:11: scope.cidrs: '10.0.0/8' is not a CIDR "
                + "such as 10.0.0.0/8 or fd00::/8: '10.0.0' is not an IPv4 or IPv6 address");
    }

    @Test
    void cidrIpv4MappedIsRejected() throws Exception {
        assertRejected("    scope:\n      cidrs: [\"::ffff:10.0.0.1/128\"]\n", "7:15: scope.cidrs: '::ffff:10.0.0.1/128' "
                + "is an IPv4-mapped IPv6 address; write the IPv4 range such as 10.0.0.1/32");
    }

    @Test
    void duplicateIdInOneFile() throws Exception {
        Path file = write("  - id: 9\n    name: other\n    category: other\n    severity: low\n");
        assertThatThrownBy(() -> RuleCatalog.load(dir)).hasMessage(file + ":6:9: id: duplicate rule id 9, already "
                + "used by 'probe' at " + file + ":2:5");
    }

    @Test
    void relativeExePath() throws Exception {
        assertRejected("    scope:\n      exe_paths: [bin/sh]\n",
                "7:19: scope.exe_paths: 'bin/sh' is not an absolute path: it must start with /");
    }

    @Test
    void relativeParentExeInExceptions() throws Exception {
        assertRejected("    exceptions:\n      parent_exes: [/usr/bin/sshd, sshd]\n",
                "7:36: exceptions.parent_exes: 'sshd' is not an absolute path: it must start with /");
    }

    @Test
    void relativePrefix() throws Exception {
        assertRejected("    scope:\n      exe_prefixes: [tmp/]\n",
                "7:22: scope.exe_prefixes: 'tmp/' is not an absolute path: it must start with /");
    }

    @Test
    void pathThatIsNotNormalized() throws Exception {
        assertRejected("    scope:\n      exe_paths: [/usr//bin/sh]\n", "7:19: scope.exe_paths: '/usr//bin/sh' is not a "
                + "normalized path: remove empty, '.' and '..' components and the trailing /");
    }

    @Test
    void prefixLongerThanTheKernelKey() throws Exception {
        String prefix = "/" + "a".repeat(247);
        assertRejected("    scope:\n      exe_prefixes: [" + prefix + "]\n", "7:22: scope.exe_prefixes: '" + prefix
                + "' is 248 bytes long; at most 247 bytes are allowed");
    }

    @Test
    void prefixOfMaximumLengthIsAccepted() throws Exception {
        String prefix = "/" + "a".repeat(246);
        RuleCatalog catalog = load("    scope:\n      exe_prefixes: [" + prefix + "]\n");
        assertThat(catalog.byId(9).orElseThrow().scope().exePrefixes()).containsExactly(prefix);
    }

    @Test
    void modeThatDoesNotExist() throws Exception {
        assertRejected("    default_mode: block\n",
                "6:19: default_mode: mode 'block' does not exist; expected off, monitor or enforce");
    }

    @Test
    void uidRangeBackwards() throws Exception {
        assertRejected("    scope:\n      uids: [1999-1000]\n",
                "7:14: scope.uids: '1999-1000' is not a valid range: 1999 is above 1000");
    }

    @Test
    void uidRangeNotANumber() throws Exception {
        assertRejected("    exceptions:\n      uids: [root]\n",
                "7:14: exceptions.uids: 'root' is not a uid or a range FIRST-LAST such as 1000-1999");
    }

    @Test
    void uidAboveThirtyTwoBits() throws Exception {
        assertRejected("    scope:\n      uids: [4294967296]\n",
                "7:14: scope.uids: '4294967296' is out of range: uids go from 0 to 4294967295");
    }

    @Test
    void tooManyUidRanges() throws Exception {
        assertRejected("    scope:\n      uids: [1, 2, 3, 4, 5]\n", "7:26: scope.uids: 5 entries, but at most 4 fit in "
                + "the kernel's rule config; merge them into ranges such as 1000-1999");
    }

    @Test
    void portZero() throws Exception {
        assertRejected("    scope:\n      ports: [0]\n", "7:15: scope.ports: '0' is out of range: ports go from 1 to 65535");
    }

    @Test
    void portAboveSixteenBits() throws Exception {
        assertRejected("    scope:\n      ports: [443, 70000]\n",
                "7:20: scope.ports: '70000' is out of range: ports go from 1 to 65535");
    }

    @Test
    void portByName() throws Exception {
        assertRejected("    exceptions:\n      ports: [https]\n", "7:15: exceptions.ports: 'https' is not a port "
                + "(1 to 65535) or a range FIRST-LAST such as 8000-8100");
    }

    @Test
    void portRangeTooLarge() throws Exception {
        assertRejected("    scope:\n      ports: [1-1000, 2000-2100]\n",
                "7:23: scope.ports: '2000-2100' takes the set to 1101 ports, more than the 1024 allowed per set");
    }

    @Test
    void imageIdWithoutDigest() throws Exception {
        assertRejected("    scope:\n      image_ids: [sha256:abc]\n", "7:19: scope.image_ids: 'sha256:abc' is not an "
                + "image id: expected sha256: followed by 64 lower-case hex digits");
    }

    @Test
    void imageIdByName() throws Exception {
        assertRejected("    exceptions:\n      image_ids:\n        - docker.io/library/nginx:1.27\n",
                "8:11: exceptions.image_ids: 'docker.io/library/nginx:1.27' is not an image id: expected sha256: "
                        + "followed by 64 lower-case hex digits");
    }

    @Test
    void containerIdWithSpace() throws Exception {
        assertRejected("    scope:\n      container_ids: [\"web 1\"]\n", "7:23: scope.container_ids: 'web 1' is not a "
                + "container id: expected the runtime's full id, letters, digits, '_', '.' and '-', at most 128");
    }

    @Test
    void valueListedTwice() throws Exception {
        assertRejected("    scope:\n      exe_paths: [/bin/sh, /bin/sh]\n",
                "7:28: scope.exe_paths: '/bin/sh' is listed twice");
    }

    @Test
    void hostScopeWithContainerIds() throws Exception {
        assertRejected("    scope:\n      where: host\n      container_ids: [abc]\n", "8:22: scope.container_ids: never "
                + "matches with where: host, because host processes have no container; remove one of them");
    }

    @Test
    void everyInvalidRuleIsReported() throws Exception {
        Path file = write("    scope:\n      ports: [0]\n"
                + "  - id: 10\n    name: second\n    category: other\n    severity: low\n"
                + "    exceptions:\n      uids: [x]\n");

        assertThatThrownBy(() -> RuleCatalog.load(dir))
                .isInstanceOfSatisfying(RuleSetException.class, e -> assertThat(e.errors()).containsExactly(
                        file + ":7:15: scope.ports: '0' is out of range: ports go from 1 to 65535",
                        file + ":13:14: exceptions.uids: 'x' is not a uid or a range FIRST-LAST such as 1000-1999"));
    }

    @Test
    void ruleTheKernelLacksNamesItsId() throws Exception {
        Path file = write("");
        RuleCatalog catalog = RuleCatalog.load(dir);

        assertThatThrownBy(() -> catalog.requireKernelIds(Set.of(1, 2, 3)))
                .isInstanceOf(RuleSetException.class)
                .hasMessage(file + ":2:9: id: the kernel object has no rule 9 ('probe'); its enum hk_rule_id contains "
                        + "[1, 2, 3]");
    }

    @Test
    void validSetsAreParsed() throws Exception {
        RuleCatalog catalog = load("""
                    scope:
                      where: container
                      exe_paths: [/usr/bin/curl]
                      exe_prefixes: [/opt/app/]
                      uids: [0, 1000-1999]
                      ports: [443, 8000-8002]
                      cidrs: [10.0.0.0/8, "fd00::/8"]
                    exceptions:
                      parent_exes: [/usr/sbin/cron]
                      image_ids: [sha256:%s]
                """.formatted("a".repeat(64)));
        Rule rule = catalog.byId(9).orElseThrow();

        assertThat(rule.scope().where()).isEqualTo(Scope.CONTAINER);
        assertThat(rule.scope().uids()).containsExactly(new UidRange(0, 0), new UidRange(1000, 1999));
        assertThat(rule.scope().ports()).containsExactly(new PortRange(443, 443), new PortRange(8000, 8002));
        assertThat(rule.scope().cidrs()).extracting(Cidr::toString).containsExactly("10.0.0.0/8", "fd00::/8");
        assertThat(rule.scope().kinds()).containsExactlyInAnyOrder(MatchKind.EXE_PATH, MatchKind.EXE_PREFIX,
                MatchKind.UID, MatchKind.PORT, MatchKind.CIDR);
        assertThat(rule.exceptions().kinds()).containsExactlyInAnyOrder(MatchKind.PARENT_EXE, MatchKind.IMAGE_ID);
        assertThat(rule.scope().toJson(true).encode()).isEqualTo("{\"where\":\"container\",\"exe_paths\":[\"/usr/bin/curl\"],"
                + "\"exe_prefixes\":[\"/opt/app/\"],\"uids\":[0,\"1000-1999\"],\"ports\":[443,\"8000-8002\"],"
                + "\"cidrs\":[\"10.0.0.0/8\",\"fd00::/8\"]}");
    }

    @Test
    void shippedPolicyHasTheNetworkAndRootkitRules() throws Exception {
        RuleCatalog catalog = RuleCatalog.load(Path.of("conf/rules"));

        Rule metadata = catalog.byId(10).orElseThrow();
        assertThat(metadata.name()).isEqualTo("connect-denied-destination");
        assertThat(metadata.mitre()).containsExactly("T1552.005");
        assertThat(metadata.defaultMode()).isEqualTo(RuleMode.MONITOR);
        assertThat(metadata.scope().where()).isEqualTo(Scope.CONTAINER);
        assertThat(metadata.scope().cidrs()).extracting(Cidr::toString).containsExactly("169.254.169.254/32");

        Rule preload = catalog.byId(20).orElseThrow();
        assertThat(preload.name()).isEqualTo("write-ld-so-preload");
        assertThat(preload.category()).isEqualTo("rootkit");
        assertThat(preload.mitre()).containsExactly("T1574.006");
        assertThat(preload.defaultMode()).isEqualTo(RuleMode.MONITOR);
        catalog.requireKernelIds(Set.of(1, 2, 3, 10, 20));
    }
}
