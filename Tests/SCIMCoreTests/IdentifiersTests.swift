import SCIMCore
import Testing

struct ResourceIDTests {
    @Test("Generated id is 48 lowercase hex characters")
    func generatedIDShape() {
        let id = ResourceID.generate()

        #expect(id.utf8.count == 48)
        #expect(id.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) })
        #expect(ResourceID.isWellFormed(id))
    }

    @Test("Generated ids are unique over many draws")
    func generatedIDsAreUnique() {
        let draws = 10_000

        let ids = Set((0..<draws).map { _ in ResourceID.generate() })

        #expect(ids.count == draws)
    }

    @Test("Id starts with creation time")
    func generatedIDStartsWithTime() {
        // 2026-12-04T21:00:00.123Z
        let milliseconds: Int64 = 1_796_418_000_123

        let id = ResourceID.generate(milliseconds: milliseconds)

        #expect(id.hasPrefix("01a242db54fb"))
        #expect(ResourceID.isWellFormed(id))
    }

    @Test("Later ids sort after earlier ones")
    func generatedIDsSortByTime() {
        let earlier = (0..<100).map { _ in ResourceID.generate(milliseconds: 1_796_418_000_123) }
        let later = (0..<100).map { _ in ResourceID.generate(milliseconds: 1_796_418_000_124) }

        #expect(Set(earlier).count == 100)
        #expect(earlier.allSatisfy { first in later.allSatisfy { first < $0 } })
    }

    @Test("Postman's example id is well formed")
    func postmanExampleIsWellFormed() {
        #expect(ResourceID.isWellFormed("405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99"))
    }

    @Test(
        "Malformed ids are rejected",
        arguments: [
            "405775FE15ED41872A8EEA4C8AA2B38CDA9749812CC55C99",
            "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c9A",
            "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c9",
            "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c990",
            "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c9g",
            "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c9 ",
            "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c9\u{0}",
            "",
            "../../../etc/passwd",
            "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c9é",
        ])
    func malformedIDIsRejected(text: String) {
        #expect(!ResourceID.isWellFormed(text))
    }

    @Test("Hex encodes bytes in lowercase, high nibble first")
    func hexEncoding() {
        #expect(ResourceID.hex([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(ResourceID.hex([]) == "")
    }
}
