import SCIMCore
import Testing

struct JSONWriterTests {
    private func write(_ value: JSONValue) -> String {
        String(decoding: JSONWriter.encode(value), as: UTF8.self)
    }

    @Test("Compact output keeps member order")
    func compactOutput() {
        let value = JSONValue.object(
            JSONObject([
                ("z", .integer(1)), ("a", .array([.null, .bool(true), .bool(false)])),
                ("m", .object(JSONObject())), ("s", .string("x")),
            ]))

        #expect(write(value) == #"{"z":1,"a":[null,true,false],"m":{},"s":"x"}"#)
    }

    @Test("Quotes, backslashes and named controls are escaped")
    func escapesSpecialCharacters() {
        #expect(write(.string("a\"b\\c\nd\re\tf")) == #""a\"b\\c\nd\re\tf""#)
    }

    @Test("Other control characters become \\u00XX", arguments: [UInt8(0), 1, 8, 0x0B, 0x0C, 0x1F])
    func escapesControlCharacter(byte: UInt8) {
        let text = String(decoding: [byte], as: UTF8.self)
        let hex = String(byte, radix: 16)
        let expected = "\"\\u00" + (hex.count == 1 ? "0" + hex : hex) + "\""

        #expect(write(.string(text)) == expected)
    }

    @Test("Every control character survives a round trip")
    func controlCharactersRoundTrip() throws {
        let text = String(decoding: Array(UInt8(0)..<0x20) + [0x7F], as: UTF8.self)

        let parsed = try JSONParser.parse(JSONWriter.encode(.string(text)))

        #expect(parsed == .string(text))
    }

    @Test("Non-ASCII text is written as UTF-8")
    func writesUTF8() {
        #expect(JSONWriter.encode(.string("é😀")) == [0x22, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0x22])
    }

    @Test("Object keys are escaped like strings")
    func escapesKeys() {
        #expect(write(.object(JSONObject([("a\"b", .null)]))) == #"{"a\"b":null}"#)
    }

    @Test(
        "Numbers are written as valid JSON numbers",
        arguments: [
            (JSONValue.integer(0), "0"), (.integer(-42), "-42"), (.integer(.max), "9223372036854775807"),
            (.integer(.min), "-9223372036854775808"), (.decimal(1.5), "1.5"), (.decimal(2.0), "2"),
            (.decimal(-0.0), "0"),
        ])
    func writesNumbers(value: JSONValue, expected: String) {
        #expect(write(value) == expected)
    }

    @Test("Large and tiny decimals stay parseable and equal", arguments: [1e20, -3.5e300, 1e-7, 123_456.789, 1e15])
    func decimalsRoundTrip(number: Double) throws {
        let parsed = try JSONParser.parse(JSONWriter.encode(.decimal(number)))

        switch parsed {
        case .decimal(let value): #expect(value == number)
        case .integer(let value): #expect(Double(value) == number)
        default: Issue.record("\(number) was written as \(parsed)")
        }
    }

    @Test("Non-finite decimals never produce invalid JSON", arguments: [Double.infinity, -.infinity, .nan])
    func nonFiniteDecimals(number: Double) {
        let written = JSONWriter.encode(.array([.decimal(number)]))

        #expect(throws: Never.self) { try JSONParser.parse(written) }
    }
}
