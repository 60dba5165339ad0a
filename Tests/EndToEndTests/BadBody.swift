import SCIMTestSupport
import Testing

/// A request body that scimd must reject with 400 `invalidSyntax`, named for test output.
struct BadBody: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]

    init(_ name: String, _ text: String) {
        self.name = name
        bytes = Array(text.utf8)
    }

    init(_ name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    var testDescription: String { name }

    static let userSchema = UserJSON.userSchema

    /// Returns `depth` nested arrays inside a user body.
    static func nested(_ depth: Int) -> String {
        "{\"schemas\":[\"\(userSchema)\"],\"userName\":\"alice@acme.test\",\"x\":"
            + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
    }

    /// Bad bodies for `PUT /Users/{id}` and `POST /Users` (whose userName is `alice@acme.test`).
    static let userBodies: [BadBody] = [
        BadBody("not JSON", "{\"schemas\": [\"\(userSchema)\"], \"userName\": "),
        BadBody("plain text", "userName=alice@acme.test"),
        BadBody("JSON array", "[{\"schemas\":[\"\(userSchema)\"],\"userName\":\"alice@acme.test\"}]"),
        BadBody("JSON null", "null"),
        BadBody("JSON string", "\"alice@acme.test\""),
        BadBody(
            "name as a string", "{\"schemas\":[\"\(userSchema)\"],\"userName\":\"alice@acme.test\",\"name\":\"x\"}"),
        BadBody("active as 3", "{\"schemas\":[\"\(userSchema)\"],\"userName\":\"alice@acme.test\",\"active\":3}"),
        BadBody(
            "active as \"maybe\"",
            "{\"schemas\":[\"\(userSchema)\"],\"userName\":\"alice@acme.test\",\"active\":\"maybe\"}"),
        BadBody("userName as a number", "{\"schemas\":[\"\(userSchema)\"],\"userName\":42}"),
        BadBody("missing schemas", "{\"userName\":\"alice@acme.test\",\"active\":true}"),
        BadBody("schemas not an array", "{\"schemas\":\"\(userSchema)\",\"userName\":\"alice@acme.test\"}"),
        BadBody(
            "unknown schema URN", "{\"schemas\":[\"urn:example:unknown:2.0:User\"],\"userName\":\"alice@acme.test\"}"),
        BadBody(
            "unknown attribute",
            "{\"schemas\":[\"\(userSchema)\"],\"userName\":\"alice@acme.test\",\"favouriteColour\":\"blue\"}"),
        BadBody(
            "duplicate member",
            "{\"schemas\":[\"\(userSchema)\"],\"userName\":\"alice@acme.test\",\"active\":true,\"active\":false}"),
        BadBody("trailing data", "{\"schemas\":[\"\(userSchema)\"],\"userName\":\"alice@acme.test\"} {}"),
        BadBody(
            "lone surrogate escape",
            "{\"schemas\":[\"\(userSchema)\"],\"userName\":\"alice@acme.test\",\"externalId\":\"\\ud800\"}"),
        BadBody(
            "invalid UTF-8",
            bytes: Array("{\"schemas\":[\"\(userSchema)\"],\"userName\":\"alice@acme.test\",\"externalId\":\"".utf8)
                + [0xC3, 0x28, 0xFF] + Array("\"}".utf8)),
        BadBody("65 levels of nesting", nested(64)),
        BadBody("10,000 levels of nesting", nested(10_000)),
        BadBody("empty body", ""),
        BadBody("whitespace only", " \r\n\t "),
    ]

    static let patchSchema = UserJSON.patchSchema

    /// Bad bodies for `PATCH /Users/{id}`.
    static let patchBodies: [BadBody] = [
        BadBody("not JSON", "{\"schemas\":[\"\(patchSchema)\"],\"Operations\":["),
        BadBody("JSON array", "[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]"),
        BadBody("missing schemas", "{\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}"),
        BadBody(
            "User schema instead of PatchOp",
            "{\"schemas\":[\"\(userSchema)\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}"
        ),
        BadBody("missing Operations", "{\"schemas\":[\"\(patchSchema)\"]}"),
        BadBody("Operations not an array", "{\"schemas\":[\"\(patchSchema)\"],\"Operations\":{\"op\":\"replace\"}}"),
        BadBody(
            "unknown op",
            "{\"schemas\":[\"\(patchSchema)\"],\"Operations\":[{\"op\":\"frobnicate\",\"path\":\"active\",\"value\":false}]}"
        ),
        BadBody(
            "missing op", "{\"schemas\":[\"\(patchSchema)\"],\"Operations\":[{\"path\":\"active\",\"value\":false}]}"),
        BadBody(
            "active as 3",
            "{\"schemas\":[\"\(patchSchema)\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":3}]}"),
        BadBody(
            "path-less replace with a string value",
            "{\"schemas\":[\"\(patchSchema)\"],\"Operations\":[{\"op\":\"replace\",\"value\":\"x\"}]}"),
        BadBody(
            "invalid UTF-8",
            bytes: Array(
                "{\"schemas\":[\"\(patchSchema)\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"externalId\",\"value\":\""
                    .utf8)
                + [0xED, 0xA0, 0x80] + Array("\"}]}".utf8)),
        BadBody(
            "10,000 levels of nesting",
            "{\"schemas\":[\"\(patchSchema)\"],\"Operations\":" + String(repeating: "[", count: 10_000)
                + String(repeating: "]", count: 10_000) + "}"),
        BadBody("empty body", ""),
    ]
}
