import SCIMCore

/// Random filter texts over the User or Group schema: every operator, `and`, `or`, `not`, grouping,
/// value paths, URN-qualified names, random letter case in names and keywords, JSON escapes, dates
/// with offsets and sub-millisecond fractions, booleans, numbers and `null`.
struct RandomFilterText {
    enum Kind {
        case string, boolean, dateTime, complex
    }

    static let enterprise = Schema.enterpriseUserURN
    static let userAttributes: [(String, Kind)] = [
        ("userName", .string), ("name.givenName", .string), ("name.familyName", .string),
        ("name.middleName", .string), ("displayName", .string), ("nickName", .string), ("title", .string),
        ("userType", .string), ("externalId", .string), ("id", .string), ("active", .boolean), ("emails", .string),
        ("emails.value", .string), ("emails.type", .string), ("emails.primary", .boolean),
        ("phoneNumbers.value", .string), ("addresses", .complex), ("addresses.locality", .string), ("name", .complex),
        ("emails", .complex), ("\(enterprise):employeeNumber", .string), ("\(enterprise):department", .string),
        ("\(enterprise):manager.value", .string), ("\(enterprise):manager", .complex),
        ("\(Schema.userURN):userName", .string), ("meta.created", .dateTime), ("meta.lastModified", .dateTime),
        ("meta.resourceType", .string), ("meta.version", .string),
    ]
    static let userValuePaths: [(String, [(String, Kind)])] = [
        ("emails", [("value", .string), ("type", .string), ("primary", .boolean), ("display", .string)]),
        ("name", [("givenName", .string), ("familyName", .string), ("middleName", .string)]),
        ("\(enterprise):manager", [("value", .string)]),
        ("meta", [("created", .dateTime), ("version", .string)]),
        ("addresses", [("locality", .string)]),
    ]
    static let groupAttributes: [(String, Kind)] = [
        ("displayName", .string), ("externalId", .string), ("id", .string), ("members", .string),
        ("members.value", .string), ("members.display", .string), ("members.type", .string), ("members", .complex),
        ("meta.created", .dateTime), ("\(Schema.groupURN):displayName", .string), ("meta.version", .string),
    ]
    static let groupValuePaths: [(String, [(String, Kind)])] = [
        ("members", [("value", .string), ("display", .string), ("type", .string)])
    ]

    var data: RandomListingData
    let attributes: [(String, Kind)]
    let valuePaths: [(String, [(String, Kind)])]
    /// Strings taken from the records, so that comparisons also hit.
    let samples: [String]

    /// Returns a filter of at most `depth` levels of `and`, `or` and `not`.
    mutating func filter(depth: Int) -> String {
        let roll = Int.random(in: 0..<100, using: &data.random)
        if depth == 0 || roll < 40 { return comparison(pickAttribute(attributes)) }
        if roll < 52 { return valuePath() }
        if roll < 62 { return "\(keyword("not")) (\(filter(depth: depth - 1)))" }
        let joiner = keyword(data.chance(50) ? "and" : "or")
        return "\(group(filter(depth: depth - 1))) \(joiner) \(group(filter(depth: depth - 1)))"
    }

    private mutating func group(_ text: String) -> String {
        data.chance(50) ? "(\(text))" : text
    }

    private mutating func valuePath() -> String {
        let (name, subs) = data.pick(valuePaths)
        let inner = comparison(pickAttribute(subs))
        let second =
            data.chance(40) ? " \(keyword(data.chance(50) ? "and" : "or")) \(comparison(pickAttribute(subs)))" : ""
        let negated = data.chance(20) ? "\(keyword("not")) (\(inner)\(second))" : "\(inner)\(second)"
        return "\(vary(name))[\(negated)]"
    }

    private mutating func pickAttribute(_ list: [(String, Kind)]) -> (String, Kind) {
        data.pick(list)
    }

    private mutating func comparison(_ attribute: (String, Kind)) -> String {
        let name = vary(attribute.0)
        let op = data.pick(ComparisonOperator.allCases)
        if op == .pr || attribute.1 == .complex && data.chance(80) { return "\(name) \(keyword("pr"))" }
        return "\(name) \(keyword(op.rawValue)) \(literal(for: attribute.1))"
    }

    private mutating func literal(for kind: Kind) -> String {
        if data.chance(6) { return data.pick(["null", "NULL", "42", "-1.5", "true", "\"text\""]) }
        switch kind {
        case .boolean: return data.pick(["true", "false", "True", "FALSE"])
        case .dateTime: return quoted(dateTime())
        case .string, .complex:
            var text = data.chance(50) ? data.pick(samples) : data.word()
            if data.chance(40), !text.isEmpty {
                let cut = Int.random(in: 0...text.count, using: &data.random)
                text = data.chance(50) ? String(text.prefix(cut)) : String(text.suffix(text.count - cut))
            }
            if data.chance(30) { text = data.chance(50) ? text.uppercased() : text.lowercased() }
            return quoted(text)
        }
    }

    private mutating func dateTime() -> String {
        let milliseconds = RandomListingData.baseTime + Int64.random(in: -100..<5_100, using: &data.random)
        let text = Timestamp.format(milliseconds: milliseconds)
        switch Int.random(in: 0..<4, using: &data.random) {
        case 0: return text
        case 1: return String(text.dropLast()) + data.pick(["000", "001", "999"]) + "Z"
        case 2:
            let shifted = Timestamp.format(milliseconds: milliseconds + 7_200_000)
            return String(shifted.dropLast()) + "+02:00"
        default: return String(text.prefix(19)) + "Z"
        }
    }

    /// Encodes `text` as a JSON string, escaping some characters that need no escape.
    private mutating func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "/" where data.chance(50): output += "\\/"
            default:
                if scalar.value > 0x7F, scalar.value <= 0xFFFF, data.chance(40) {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }

    /// Changes the letter case of a keyword or of the attribute part of a name (never of a URN prefix,
    /// which the resolver also matches without case, but seldom, to keep most names plain).
    private mutating func keyword(_ word: String) -> String {
        data.chance(30) ? vary(word) : word
    }

    private mutating func vary(_ name: String) -> String {
        guard data.chance(30) else { return name }
        return String(name.map { data.chance(50) ? Character($0.uppercased()) : Character($0.lowercased()) })
    }
}
