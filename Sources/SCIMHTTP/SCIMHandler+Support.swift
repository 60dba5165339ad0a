import SCIMCore
import Synchronization

extension SCIMHandler {
    /// Builds the response for an error, logging the cause of a 5xx at `error` and a 4xx at `debug`.
    func errorResponse(_ error: SCIMError, request: HTTPRequest, requestID: String) -> HTTPResponse {
        var response = HTTPResponse(
            status: error.status, headers: [("Content-Type", Self.contentType)], body: JSONWriter.encode(error.body))
        if let retryAfter = error.retryAfterSeconds {
            response.headers.append(("Retry-After", String(retryAfter)))
        }
        if error.status == 405, let allowed = error.underlying {
            response.headers.append(("Allow", allowed))
        }
        let metadata = [
            "scim.request.id": requestID, "http.status": String(error.status), "scim.error.detail": error.detail,
        ]
        if error.isServerFailure {
            logger.error("request failed: \(error.underlying ?? "no cause recorded")", metadata)
        } else {
            logger.debug("request rejected", metadata)
        }
        return response
    }

    /// Writes the one `info` line of a request: no header value, query string or body content.
    func logCompletion(
        _ request: HTTPRequest, response: HTTPResponse, requestID: String, teamID: Int64?,
        started: ContinuousClock.Instant
    ) {
        guard logger.isEnabled(.info) else { return }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        var metadata = [
            "scim.request.id": requestID,
            "http.method": String(request.method.prefix(20)),
            "http.path": Self.pathForLog(request.target),
            "http.status": String(response.status),
            "http.duration_ms": String(Double(Int(milliseconds * 1000)) / 1000),
        ]
        if let teamID { metadata["scim.team.id"] = String(teamID) }
        logger.info("request completed", metadata)
    }

    /// Returns the public base URL of the SCIM API for this request.
    func publicBaseURL(_ request: HTTPRequest) -> String {
        if let configured = configuredBaseURL { return configured }
        let host = request.header("Host").flatMap { Self.isPlausibleHost($0) ? $0 : nil } ?? listenHost
        return "http://\(host)/scim/v2"
    }

    /// Returns a request id: 16 hex characters, distinct for every request of this process.
    ///
    /// A counter from a random start goes through the SplitMix64 finaliser, a bijection on 64 bits, so ids
    /// look random and never repeat within a process, without a getrandom call per request.
    static func makeRequestID() -> String {
        var value = requestCounter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 16)
        for position in 0..<16 {
            let nibble = UInt8(truncatingIfNeeded: value >> (60 - 4 * position)) & 0xF
            digits[position] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
        }
        return String(decoding: digits, as: UTF8.self)
    }

    private static let requestCounter = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    /// Returns the path of a request target without its query, cut to 200 bytes.
    private static func pathForLog(_ target: String) -> String {
        let pathEnd = target.utf8.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex
        return String(target[..<pathEnd].prefix(200))
    }

    private static func isPlausibleHost(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.count <= 255
            && host.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || [UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]")]
                        .contains(byte)
            }
    }
}
