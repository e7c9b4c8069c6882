package io.osprey.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency lines of docs/architecture.md, held by the build. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importOsprey() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.osprey");
  }

  private static void check(ArchRule rule) {
    rule.allowEmptyShould(true).check(classes);
  }

  @Test
  void wireDependsOnTheJdkOnly() {
    check(noClasses().that().resideInAPackage("io.osprey.wire..")
        .should().dependOnClassesThat().resideOutsideOfPackages("io.osprey.wire..", "java..", "javax.."));
  }

  @Test
  void protocolKnowsNothingOfMediaOrTheServer() {
    check(noClasses().that().resideInAPackage("io.osprey.protocol..")
        .should().dependOnClassesThat().resideInAnyPackage("io.osprey.wire..", "io.osprey.transport..",
            "io.osprey.sfu..", "io.osprey.server..", "io.osprey.sdk..", "io.netty.."));
  }

  @Test
  void transportKnowsNoLiveKit() {
    check(noClasses().that().resideInAPackage("io.osprey.transport..")
        .should().dependOnClassesThat().resideInAnyPackage("io.osprey.protocol..", "io.osprey.sfu..",
            "io.osprey.server..", "io.osprey.sdk..", "com.google.protobuf.."));
  }

  @Test
  void onlyTheIoPackageOfTransportTouchesNetty() {
    check(noClasses().that().resideInAPackage("io.osprey.transport..")
        .and().resideOutsideOfPackage("io.osprey.transport.io..")
        .should().dependOnClassesThat().resideInAPackage("io.netty.."));
  }

  @Test
  void sfuKnowsNoProtobufNoTransportNoSockets() {
    check(noClasses().that().resideInAPackage("io.osprey.sfu..")
        .should().dependOnClassesThat().resideInAnyPackage("io.osprey.protocol..", "io.osprey.transport..",
            "io.osprey.server..", "io.netty..", "com.google.protobuf..", "java.net.."));
  }

  @Test
  void nothingButTheCliDependsOnTheServer() {
    check(noClasses().that().resideInAnyPackage("io.osprey.protocol..", "io.osprey.wire..", "io.osprey.transport..",
            "io.osprey.sfu..", "io.osprey.sdk..")
        .should().dependOnClassesThat().resideInAPackage("io.osprey.server.."));
  }

  @Test
  void sansIoCoresReadNoClockAndStartNoThreads() {
    check(noClasses().that().resideInAnyPackage("io.osprey.wire..", "io.osprey.sfu..")
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(Thread.class, "sleep", long.class)
        .orShould().dependOnClassesThat().areAssignableTo(Thread.class));
  }

  @Test
  void namesSayWhatAClassIs() {
    check(noClasses().should().haveSimpleNameEndingWith("Util").orShould().haveSimpleNameEndingWith("Utils")
        .orShould().haveSimpleNameEndingWith("Helper").orShould().haveSimpleNameEndingWith("Impl"));
  }
}
