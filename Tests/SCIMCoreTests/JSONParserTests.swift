import SCIMCore
import Testing

struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParser.Failure) -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    // MARK: - Valid documents

    @Test(
        "RFC 8259: scalars parse as top-level values",
        arguments: [
            ("null", JSONValue.null),
            ("true", .bool(true)),
            ("false", .bool(false)),
            ("0", .integer(0)),
            ("-0", .integer(0)),
            ("42", .integer(42)),
            ("-17", .integer(-17)),
            ("9223372036854775807", .integer(.max)),
            ("-9223372036854775808", .integer(.min)),
            ("1.5", .decimal(1.5)),
            ("-0.25", .decimal(-0.25)),
            ("1e3", .decimal(1000)),
            ("1E+2", .decimal(100)),
            ("2.5e-3", .decimal(0.0025)),
            ("\"\"", .string("")),
            ("\"text\"", .string("text")),
            (" \t\r\n 7 \t\r\n", .integer(7)),
        ])
    func parsesScalar(text: String, expected: JSONValue) throws {
        #expect(try parse(text) == expected)
    }

    @Test("Integer beyond Int64 becomes a decimal")
    func hugeIntegerBecomesDecimal() throws {
        #expect(try parse("9223372036854775808") == .decimal(9_223_372_036_854_775_808))
        #expect(try parse("-123456789012345678901234567890") == .decimal(-1.2345678901234568e29))
    }

    @Test("Tiny exponent underflows to zero")
    func tinyExponent() throws {
        #expect(try parse("1e-400") == .decimal(0))
    }

    @Test("Huge exponent is rejected as out of range", arguments: ["1e400", "-1e400", "1e999999999999"])
    func hugeExponent(text: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test("Objects keep member order and exact keys")
    func objectOrder() throws {
        let value = try parse(#"{"b": 1, "a": [true, null], "C": {"x": "y"}, "e": {}, "f": []}"#)

        let object = try #require(value.objectValue)
        #expect(object.members.map(\.key) == ["b", "a", "C", "e", "f"])
        #expect(object["a"] == .array([.bool(true), .null]))
        #expect(object["C"] == .object(JSONObject([("x", .string("y"))])))
        #expect(object["e"] == .object(JSONObject()))
        #expect(object["f"] == .array([]))
        #expect(object.value(forAttribute: "c") == object["C"])
    }

    @Test("Nesting up to the limit is accepted")
    func nestingAtLimit() throws {
        let depth = JSONParser.maxDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)

        #expect(throws: Never.self) { try parse(text) }
    }

    @Test("Nesting one past the limit is rejected", arguments: ["[", "{\"a\":"])
    func nestingPastLimit(opener: String) {
        let depth = JSONParser.maxDepth + 1
        let closer = opener == "[" ? "]" : "}"
        let text = String(repeating: opener, count: depth) + "1" + String(repeating: closer, count: depth)

        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test("10,000 levels of nesting throw instead of exhausting the stack", arguments: ["[", "{\"a\":"])
    func deepNestingThrows(opener: String) {
        let text = String(repeating: opener, count: 10_000)

        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    // MARK: - Strict rejections

    @Test(
        "RFC 8259: malformed documents are rejected",
        arguments: [
            "", " ", "[1,]", "{\"a\":1,}", "[,1]", "{,}", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{a:1}", "{'a':1}",
            "['a']", "01", "-01", "00", "1.", ".5", "+1", "-", "1e", "1e+", "0x10", "NaN", "Infinity", "tru",
            "nul", "True", "[", "]", "{", "}", "\"abc", "[1]]", "{} {}", "1 2", "null x", "[1]x",
            "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\\"", "\u{FEFF}1", "[1,\n]", "/* c */ 1", "\"a\"\u{0}",
        ])
    func rejectsMalformed(text: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test(
        "Duplicate keys are rejected, letter case ignored",
        arguments: [#"{"a":1,"a":2}"#, #"{"userName":"x","USERNAME":"y"}"#])
    func rejectsDuplicateKeys(text: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test("Same key in different objects is accepted")
    func sameKeyInSiblings() throws {
        #expect(throws: Never.self) { try parse(#"[{"a":1},{"a":2},{"b":{"a":3}}]"#) }
    }

    @Test("Control characters in strings are rejected", arguments: Array(UInt8(0)..<0x20))
    func rejectsControlCharacter(byte: UInt8) {
        let body: [UInt8] = [0x22, 0x61, byte, 0x62, 0x22]

        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(body) }
    }

    @Test("Control characters after an escape are rejected too")
    func rejectsControlCharacterAfterEscape() {
        let body: [UInt8] = Array(#""\n"#.utf8) + [0x01, 0x22]

        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(body) }
    }

    @Test(
        "Lone or broken surrogates in escapes are rejected",
        arguments: [
            #""\ud800""#, #""\udc00""#, #""\ud83d\u0041""#, #""\ud83dx""#, #""\ud83d\ud83d""#, #""\ude00\ud83d""#,
            #""\ud83d\""#,
        ])
    func rejectsLoneSurrogate(text: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test(
        "Invalid UTF-8 is rejected",
        arguments: [
            [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0x80, 0x22], [0x22, 0x5C, 0x6E, 0xFE, 0x22],
            [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], [0xFF], [0x31, 0xFF],
        ] as [[UInt8]])
    func rejectsInvalidUTF8(body: [UInt8]) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(body) }
    }

    @Test("Failure reports the byte offset")
    func failureOffset() {
        let failure = #expect(throws: JSONParser.Failure.self) { try parse("[1,]") }

        #expect(failure?.offset == 3)
    }

    // MARK: - Strings

    @Test("Escapes decode to their characters")
    func decodesEscapes() throws {
        let text = #""\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00\u0000""#

        #expect(try parse(text) == .string("\"\\/\u{8}\u{C}\n\r\tAé€😀\u{0}"))
    }

    @Test("Raw multi-byte UTF-8 is kept")
    func keepsRawUnicode() throws {
        #expect(try parse("\"Zoë – 東京 😀\"") == .string("Zoë – 東京 😀"))
        #expect(try parse("\"a\\n東\"") == .string("a\n東"))
    }

    @Test("Escapes survive a write and a second parse")
    func escapesRoundTrip() throws {
        let original = try parse(#"{"k\"ey":"\"\\\/\b\f\n\r\t\u0001\u001f\u007f\u00e9\ud83d\ude00"}"#)

        let written = JSONWriter.encode(original)

        #expect(try JSONParser.parse(written) == original)
    }
}
