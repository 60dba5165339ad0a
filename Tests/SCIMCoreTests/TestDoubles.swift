import SCIMCore

/// A ``CredentialHasher`` without cryptography: a reversible digest, byte equality and bytes from the
/// system generator. Tests only need the hasher to be deterministic and to tell inputs apart.
struct FakeCredentialHasher: CredentialHasher {
    /// Bytes prepended to every digest, so a digest never equals its input.
    static let digestMarker: [UInt8] = Array("digest:".utf8)

    /// The error `randomBytes` throws instead of returning bytes, when set.
    var randomFailure: SCIMError?

    func digest(_ bytes: [UInt8]) -> [UInt8] {
        Self.digestMarker + bytes
    }

    func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs == rhs
    }

    func randomBytes(_ count: Int) throws(SCIMError) -> [UInt8] {
        if let randomFailure { throw randomFailure }
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Returns the password behind a marker, so tests can tell a hashed value from the plain one.
    func hashPassword(_ password: String) throws(SCIMError) -> String {
        "fake-hash:" + password
    }
}

/// Runs `body` and returns the error it throws, or nil when it returns.
func thrownError<T>(_ body: () throws(SCIMError) -> T) -> SCIMError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// Returns the UTF-8 bytes of `text`, for parsers that take bytes.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// A request context whose log lines stay in memory.
func testContext(requestID: String = "req-1") -> RequestContext {
    RequestContext(
        requestID: requestID, baseURL: "http://127.0.0.1:8080/scim/v2",
        logger: Logger(label: "scim.test", minimumLevel: .trace, sink: MemoryLogSink()))
}
