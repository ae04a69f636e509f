package io.jshim.daemon;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.jshim.daemon.spawn.MountOptions;
import io.jshim.daemon.task.RootfsMount;
import io.jshim.daemon.task.RootfsMounter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency arrows of docs/architecture: what each package of the daemon may import. */
class LayeringTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.jshim.daemon");
  }

  @Test
  void onlySys_touchesJnr() {
    noClasses().that().resideOutsideOfPackage("io.jshim.daemon.sys..")
        .should().dependOnClassesThat().resideInAPackage("jnr..").check(classes);
  }

  @Test
  void task_knowsNoProtoGrpcOrSys() {
    noClasses().that().resideInAPackage("io.jshim.daemon.task..")
        .should().dependOnClassesThat().resideInAnyPackage("io.jshim.proto..", "io.grpc..", "io.jshim.daemon.sys..",
            "io.jshim.daemon.server..", "jnr..")
        .check(classes);
  }

  @Test
  void onlyTheProtocolAdapters_touchProtoAndGrpc() {
    noClasses().that().resideOutsideOfPackages("io.jshim.daemon.server..", "io.jshim.daemon.ttrpc..",
            "io.jshim.daemon.events..")
        .should().dependOnClassesThat().resideInAnyPackage("io.jshim.proto..", "io.grpc..")
        .check(classes);
  }

  @Test
  void events_translateTaskEventsOnly() {
    noClasses().that().resideInAPackage("io.jshim.daemon.events..")
        .should().dependOnClassesThat().resideInAnyPackage("io.jshim.daemon.sys..", "io.jshim.daemon.spawn..",
            "io.jshim.daemon.server..", "io.grpc..", "jnr..")
        .check(classes);
  }

  @Test
  void ttrpc_knowsOnlyProtoGrpcNettyErrorAndConfig() {
    classes().that().resideInAPackage("io.jshim.daemon.ttrpc..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.jshim.daemon.ttrpc..",
            "io.jshim.proto..", "io.grpc..", "com.google.protobuf..", "com.google.rpc..", "io.netty..",
            "io.jshim.daemon.error..", "io.jshim.daemon.config..", "org.slf4j..")
        .check(classes);
  }

  @Test
  void spawnAndReaper_doNotKnowEachOtherOrTheDomain() {
    noClasses().that().resideInAPackage("io.jshim.daemon.spawn..")
        .should().dependOnClassesThat().resideInAnyPackage("io.jshim.daemon.reaper..", "io.jshim.daemon.task..", "io.jshim.daemon.server..")
        .check(classes);
    noClasses().that().resideInAPackage("io.jshim.daemon.reaper..")
        .should().dependOnClassesThat().resideInAnyPackage("io.jshim.daemon.spawn..", "io.jshim.daemon.task..", "io.jshim.daemon.server..")
        .check(classes);
  }

  @Test
  void mount_implementsTheTaskSeamOnSysAndKnowsNothingElse() {
    classes().that().resideInAPackage("io.jshim.daemon.mount..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.slf4j..", "io.jshim.daemon.mount..",
            "io.jshim.daemon.sys..", "io.jshim.daemon.error..", "io.jshim.daemon.task..", "io.jshim.daemon.spawn..")
        .check(classes);
    // of the domain only the seam it implements, of spawn only the option parser it shares
    noClasses().that().resideInAPackage("io.jshim.daemon.mount..")
        .should().dependOnClassesThat(resideInAnyPackage("io.jshim.daemon.task..", "io.jshim.daemon.spawn..")
            .and(not(belongToAnyOf(RootfsMount.class, RootfsMounter.class, MountOptions.class))))
        .check(classes);
    noClasses().that().resideOutsideOfPackages("io.jshim.daemon.mount..", "io.jshim.daemon")
        .should().dependOnClassesThat().resideInAPackage("io.jshim.daemon.mount..").check(classes);
  }

  @Test
  void error_dependsOnNothingOfOurs() {
    noClasses().that().resideInAPackage("io.jshim.daemon.error..")
        .should().dependOnClassesThat().resideInAnyPackage("io.jshim.daemon.sys..", "io.jshim.daemon.task..",
            "io.jshim.daemon.spawn..", "io.jshim.daemon.reaper..", "io.jshim.daemon.server..", "io.jshim.daemon.io..")
        .check(classes);
  }

  @Test
  void cgroup_knowsOnlyErrorConfigAndTheJdk() {
    classes().that().resideInAPackage("io.jshim.daemon.cgroup..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.jshim.daemon.cgroup..",
            "io.jshim.daemon.error..", "io.jshim.daemon.config..")
        .check(classes);
  }

  @Test
  void oci_isThePlainSpecModel() {
    classes().that().resideInAPackage("io.jshim.daemon.oci..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.jshim.daemon.oci..",
            "io.jshim.daemon.error..", "com.fasterxml.jackson..")
        .check(classes);
  }

  @Test
  void checkpoint_runsCriuThroughSpawnAndKnowsNothingOfTheDomain() {
    classes().that().resideInAPackage("io.jshim.daemon.checkpoint..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.jshim.daemon.checkpoint..",
            "io.jshim.daemon.error..", "io.jshim.daemon.spawn..", "com.fasterxml.jackson..")
        .check(classes);
  }

  @Test
  void nothing_spawnsThroughTheJdk() {
    // the reaper's waitpid(-1) would steal the exit of a JDK-spawned process (forbiddenapis also bans Runtime.exec)
    noClasses().should().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class).check(classes);
  }
}
