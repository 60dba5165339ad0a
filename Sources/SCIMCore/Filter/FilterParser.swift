/// Parses SCIM filter expressions (RFC 7644 §3.4.2.2) with the precedence `not` over `and` over `or`.
///
/// Operators and keywords match without regard to case. A value path may carry a sub-attribute after
/// its closing bracket (`emails[type eq "work"].value eq "x"`), which Entra ID sends; it reads as the
/// value path whose inner filter also compares that sub-attribute.
package struct FilterParser {
    /// The maximum length of a filter, in UTF-8 bytes.
    package static let maxLength = 10_000
    /// The deepest nesting of parentheses and brackets accepted.
    package static let maxDepth = 32

    private let bytes: [UInt8]
    private var index = 0
    private let allowsSingleQuotes: Bool

    private init(_ text: String, allowsSingleQuotes: Bool) {
        self.bytes = Array(text.utf8)
        self.allowsSingleQuotes = allowsSingleQuotes
    }

    /// Parses `text`; `allowsSingleQuotes` also accepts `'…'` strings, which an old Postman example uses.
    /// - Throws: `invalidFilter` naming the problem and its position.
    package static func parse(_ text: String, allowsSingleQuotes: Bool = false) throws(SCIMError) -> Filter {
        guard text.utf8.count <= maxLength else {
            throw .invalidFilter("The filter is longer than \(maxLength) bytes.")
        }
        var parser = FilterParser(text, allowsSingleQuotes: allowsSingleQuotes)
        parser.skipSpaces()
        guard parser.index < parser.bytes.count else { throw .invalidFilter("The filter is empty.") }
        let filter = try parser.parseOr(depth: 0)
        parser.skipSpaces()
        guard parser.index == parser.bytes.count else { throw parser.failure("unexpected text") }
        return filter
    }

    private func failure(_ problem: String) -> SCIMError {
        .invalidFilter("Invalid filter: \(problem) at position \(index + 1).")
    }

    private mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    private mutating func parseOr(depth: Int) throws(SCIMError) -> Filter {
        var left = try parseAnd(depth: depth)
        while consumeKeyword("or") {
            left = .or(left, try parseAnd(depth: depth))
        }
        return left
    }

    private mutating func parseAnd(depth: Int) throws(SCIMError) -> Filter {
        var left = try parseUnary(depth: depth)
        while consumeKeyword("and") {
            left = .and(left, try parseUnary(depth: depth))
        }
        return left
    }

    private mutating func parseUnary(depth: Int) throws(SCIMError) -> Filter {
        guard depth < Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth) levels") }
        skipSpaces()
        if consumeKeyword("not") {
            skipSpaces()
            guard consume(UInt8(ascii: "(")) else { throw failure("expected '(' after 'not'") }
            return .not(try parseGroupRest(depth: depth + 1))
        }
        if consume(UInt8(ascii: "(")) {
            return try parseGroupRest(depth: depth + 1)
        }
        return try parseAttributeExpression(depth: depth)
    }

    private mutating func parseGroupRest(depth: Int) throws(SCIMError) -> Filter {
        let inner = try parseOr(depth: depth)
        skipSpaces()
        guard consume(UInt8(ascii: ")")) else { throw failure("expected ')'") }
        return inner
    }

    private mutating func parseAttributeExpression(depth: Int) throws(SCIMError) -> Filter {
        let path = try parseAttributePath()
        if consume(UInt8(ascii: "[")) {
            guard path.subAttribute == nil else { throw failure("a value filter must follow an attribute") }
            let inner = try parseOr(depth: depth + 1)
            skipSpaces()
            guard consume(UInt8(ascii: "]")) else { throw failure("expected ']'") }
            guard consume(UInt8(ascii: ".")) else { return .valuePath(path, inner) }
            let subAttribute = try parseName()
            let comparison = try parseComparison(on: AttributePath(name: subAttribute))
            return .valuePath(path, .and(inner, comparison))
        }
        return try parseComparison(on: path)
    }

    private mutating func parseComparison(on path: AttributePath) throws(SCIMError) -> Filter {
        guard skipRequiredSpace() else { throw failure("expected an operator after '\(path)'") }
        let word = readWord().lowercased()
        guard let op = ComparisonOperator(rawValue: word) else {
            throw failure(word.isEmpty ? "expected an operator" : "unknown operator '\(word)'")
        }
        if op == .pr { return .comparison(path, .pr, nil) }
        guard skipRequiredSpace() else { throw failure("expected a value after '\(word)'") }
        return .comparison(path, op, try parseValue())
    }

    private mutating func parseAttributePath() throws(SCIMError) -> AttributePath {
        let start = index
        while index < bytes.count, isPathByte(bytes[index]) { index += 1 }
        guard index > start else { throw failure("expected an attribute name") }
        // The schema URN ends at the last colon, and a dot splits the rest into name and sub-attribute.
        let colon = bytes[start..<index].lastIndex(of: UInt8(ascii: ":"))
        let nameStart = colon.map { $0 + 1 } ?? start
        let dot = bytes[nameStart..<index].firstIndex(of: UInt8(ascii: "."))
        let name = String(decoding: bytes[nameStart..<(dot ?? index)], as: UTF8.self)
        let subAttribute = dot.map { String(decoding: bytes[($0 + 1)..<index], as: UTF8.self) }
        guard isAttributeName(Substring(name)), subAttribute.map({ isAttributeName(Substring($0)) }) ?? true else {
            throw failure("invalid attribute path '\(String(decoding: bytes[start..<index], as: UTF8.self))'")
        }
        return AttributePath(
            schema: colon.map { String(decoding: bytes[start..<$0], as: UTF8.self) }, name: name,
            subAttribute: subAttribute)
    }

    private mutating func parseName() throws(SCIMError) -> String {
        let start = index
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        let name = String(decoding: bytes[start..<index], as: UTF8.self)
        guard isAttributeName(Substring(name)) else { throw failure("expected a sub-attribute name") }
        return name
    }

    private mutating func parseValue() throws(SCIMError) -> FilterValue {
        guard index < bytes.count else { throw failure("expected a value") }
        let quote = bytes[index]
        if quote == UInt8(ascii: "\"") || (allowsSingleQuotes && quote == UInt8(ascii: "'")) {
            return .string(try parseString(quote: quote))
        }
        let word = readWord()
        switch word.lowercased() {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: break
        }
        // A number has JSON syntax (RFC 7644 §3.4.2.2), so the JSON parser reads it.
        switch try? JSONParser.parse(Array(word.utf8)) {
        case .integer(let integer)?: return .integer(integer)
        case .decimal(let decimal)?: return .decimal(decimal)
        default: break
        }
        throw failure(word.isEmpty ? "expected a value" : "value '\(word)' must be quoted")
    }

    private mutating func parseString(quote: UInt8) throws(SCIMError) -> String {
        let start = index
        index += 1
        while index < bytes.count, bytes[index] != quote {
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard index < bytes.count else { throw failure("unterminated string") }
        index += 1
        // A value without escapes or control characters is its own text, so it skips the JSON parser.
        let inner = bytes[(start + 1)..<(index - 1)]
        if !inner.contains(where: { $0 == UInt8(ascii: "\\") || $0 < 0x20 }),
            let text = String(validating: inner, as: UTF8.self)
        {
            return text
        }
        var literal = Array(bytes[start..<index])
        if quote != UInt8(ascii: "\"") {
            literal = Self.doubleQuoted(singleQuoted: literal.dropFirst().dropLast())
        }
        // A filter string has JSON string syntax, so the JSON parser decodes its escapes.
        guard case .string(let text)? = try? JSONParser.parse(literal) else { throw failure("invalid string") }
        return text
    }

    /// Rewrites the inside of a single-quoted string as a double-quoted JSON string: `\'` becomes `'`
    /// and a bare `"` is escaped.
    private static func doubleQuoted(singleQuoted inner: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = [0x22]
        var position = inner.startIndex
        while position < inner.endIndex {
            let byte = inner[position]
            if byte == 0x5C, position + 1 < inner.endIndex, inner[position + 1] == 0x27 {
                output.append(0x27)
                position += 2
                continue
            }
            if byte == 0x5C, position + 1 < inner.endIndex {
                output.append(contentsOf: [byte, inner[position + 1]])
                position += 2
                continue
            }
            if byte == 0x22 { output.append(0x5C) }
            output.append(byte)
            position += 1
        }
        output.append(0x22)
        return output
    }

    private mutating func readWord() -> String {
        let start = index
        while index < bytes.count, !isDelimiter(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipRequiredSpace() -> Bool {
        let start = index
        skipSpaces()
        return index > start
    }

    /// Consumes ` keyword ` when it comes next as a whole word, surrounded by spaces or a parenthesis.
    private mutating func consumeKeyword(_ keyword: String) -> Bool {
        let start = index
        skipSpaces()
        let hadSpace = index > start
        let word = Array(keyword.utf8)
        let follows = start > 0 ? bytes[start - 1] : 0x20
        let afterBoundary =
            follows == 0x20 || follows == 0x09 || follows == UInt8(ascii: "(") || follows == UInt8(ascii: "[")
        guard hadSpace || start == 0 || afterBoundary, index + word.count <= bytes.count,
            zip(bytes[index..<index + word.count], word).allSatisfy({ ($0 | 0x20) == $1 })
        else {
            index = start
            return false
        }
        let end = index + word.count
        guard end == bytes.count || bytes[end] == 0x20 || bytes[end] == UInt8(ascii: "(") else {
            index = start
            return false
        }
        index = end
        return true
    }

    private func isDelimiter(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
            || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
    }

    private func isPathByte(_ byte: UInt8) -> Bool {
        isNameByte(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "$")
    }
}

/// Whether `name` is an ATTRNAME of RFC 7643 §2.1: a letter, then letters, digits, `_` or `-`.
/// `$ref` is also accepted because RFC 7643 names its reference sub-attributes so.
package func isAttributeName(_ name: Substring) -> Bool {
    if name == "$ref" { return true }
    guard let first = name.utf8.first, (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first) else {
        return false
    }
    return name.utf8.allSatisfy {
        (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F
            || $0 == 0x2D
    }
}
