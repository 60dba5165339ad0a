// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every Swift target.
let swiftSettings: [SwiftSetting] = [
    // Every existential is spelled `any P`, so the cost of dynamic dispatch is visible.
    .enableUpcomingFeature("ExistentialAny"),
    // Imports are internal unless marked otherwise, so no target re-exports a C module by accident.
    .enableUpcomingFeature("InternalImportsByDefault"),
    // A file can use only the modules it imports itself.
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "scimd",
    products: [
        .executable(name: "scimd", targets: ["scimd"])
    ],
    targets: [
        // MARK: - System libraries

        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),

        // MARK: - Libraries

        .target(name: "SCIMCore", swiftSettings: swiftSettings),
        .target(name: "SCIMCrypto", dependencies: ["SCIMCore", "CCrypto"], swiftSettings: swiftSettings),
        .target(name: "SCIMSQL", dependencies: ["SCIMCore"], swiftSettings: swiftSettings),
        .target(name: "SCIMSQLite", dependencies: ["SCIMCore", "SCIMSQL", "CSQLite"], swiftSettings: swiftSettings),
        .target(name: "SCIMHTTP", dependencies: ["SCIMCore", "CMicroHTTPD"], swiftSettings: swiftSettings),
        .target(
            name: "SCIMPostgres", dependencies: ["SCIMCore", "SCIMSQL", "CLibPQ"], swiftSettings: swiftSettings),

        // MARK: - Executable

        .executableTarget(
            name: "scimd",
            dependencies: ["SCIMCore", "SCIMCrypto", "SCIMSQLite", "SCIMPostgres", "SCIMHTTP"],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests

        .target(
            name: "SCIMTestSupport",
            dependencies: ["SCIMCore"],
            path: "Tests/SCIMTestSupport",
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCIMCoreTests",
            dependencies: ["SCIMCore", "SCIMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCIMSQLiteTests",
            dependencies: ["SCIMCore", "SCIMSQL", "SCIMSQLite", "SCIMCrypto", "SCIMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCIMHTTPTests",
            dependencies: ["SCIMHTTP", "SCIMCore", "SCIMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreContractTests",
            dependencies: ["SCIMCore", "SCIMSQL", "SCIMSQLite", "SCIMPostgres", "SCIMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCIMCryptoTests",
            dependencies: ["SCIMCore", "SCIMCrypto"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["SCIMCore", "SCIMCrypto", "SCIMTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
