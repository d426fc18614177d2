// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Zoo",
    products: [
        .library(name: "Zoo", targets: ["Zoo"]),
        .executable(name: "zoo", targets: ["zoo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries. HDF5 and OpenBLAS are linked from their static archives (Debian's paths, where the
        // headers are found without pkg-config): libhdf5's shared build needs libcurl and OpenSSL for its S3
        // driver, and with them about 30 more libraries (TLS, Kerberos, LDAP), 5 MB more resident memory in a zoo
        // process and 8 ms more at its start; OpenBLAS's brings libgfortran and relocates the kernel tables of every
        // CPU it supports at load, 2.5 MB more.
        .systemLibrary(name: "CHDF5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CJSONC", pkgConfig: "json-c", providers: [.apt(["libjson-c-dev"])]),
        // HDF5's predefined type and property ids are macros over globals that Swift cannot import: this shim
        // exposes them as functions.
        .target(name: "CZooHDF5", dependencies: ["CHDF5"], linkerSettings: [
            .linkedLibrary(":libhdf5_serial.a"), .linkedLibrary("sz"), .linkedLibrary("z"),
        ]),

        // Float32 kernels in C, each with AVX-512 / AVX2 / baseline versions chosen at run time.
        .target(name: "CZooFloat", linkerSettings: [.linkedLibrary("m")]),
        // Block-type (quantized) kernels in C, each with AVX-512 / AVX2 / portable versions chosen at run time.
        .target(name: "CZooKernels"),
        // Tensors, memory-mapped storage and the numeric kernels (BLAS-backed).
        .target(name: "ZooTensor", dependencies: ["COpenBLAS", "CZooFloat", "CZooKernels"],
                linkerSettings: [.linkedLibrary(":libopenblas.a")]),
        // Checkpoint formats: the zoo format (config.json + weights.h5 + manifest) and the readers of imports.
        .target(name: "ZooFormats", dependencies: [
            "ZooTensor", "CZooHDF5",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Tokenizers as Hugging Face publishes them.
        .target(name: "ZooTokenizers", dependencies: ["CJSONC", .product(name: "Crypto", package: "swift-crypto")]),
        // Architectures: the plugin protocol, its registry and one file per architecture.
        .target(name: "ZooModels", dependencies: ["ZooTensor"]),
        // The public API: the zoo on disk, the converter and the pipelines.
        .target(name: "Zoo", dependencies: ["ZooTensor", "ZooFormats", "ZooTokenizers", "ZooModels"]),
        // Linked at a fixed address: a position-independent zoo starts by relocating 2 MB of its own tables, which
        // stay resident (3 MB of the memory of a generating process). It exports no symbols: the static Swift
        // runtime's link flags export all of them, and the loader then searches that table first for every symbol
        // a shared library needs (0.35 MB resident).
        .executableTarget(name: "zoo", dependencies: [
            "Zoo",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: [.unsafeFlags(["-Xlinker", "-no-pie", "-Xlinker", "--no-export-dynamic"])]),
        // Times tokenizer encoding for Tools/bench_tokenizers.py.
        .executableTarget(name: "zoo-tokenizer-bench", dependencies: ["ZooTokenizers"], path: "Tools/TokenizerBench"),

        // The fuzz harnesses of every parser of outside bytes, and the seeded mutation fuzzer that drives them
        // (Tools/fuzz runs it; the default test run replays only the saved findings).
        .target(name: "ZooFuzzing", dependencies: ["Zoo"]),
        .executableTarget(name: "zoo-fuzz", dependencies: ["ZooFuzzing"]),

        // Counts the heap allocations of a thread, for the tests that check that decode allocates nothing.
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        .testTarget(name: "ZooTensorTests", dependencies: ["ZooTensor", "COpenBLAS", "CZooFloat", "CZooKernels"]),
        .testTarget(name: "ZooFormatsTests", dependencies: ["ZooFormats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZooTokenizersTests", dependencies: ["ZooTokenizers"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZooTests", dependencies: ["Zoo", "AllocationCounter"], resources: [.copy("Fixtures")]),
        // Runs the built `zoo` executable as a user would.
        .testTarget(name: "ZooCLITests", dependencies: ["zoo", "Zoo"]),
        .testTarget(name: "ZooFuzzTests", dependencies: ["ZooFuzzing"], resources: [.copy("Fixtures")]),
    ]
)
