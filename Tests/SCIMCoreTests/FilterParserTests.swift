import SCIMCore
import Testing

struct FilterParserTests {
    private func parse(_ text: String, allowsSingleQuotes: Bool = false) throws(SCIMError) -> Filter {
        try FilterParser.parse(text, allowsSingleQuotes: allowsSingleQuotes)
    }

    private func path(_ name: String, _ subAttribute: String? = nil, schema: String? = nil) -> AttributePath {
        AttributePath(schema: schema, name: name, subAttribute: subAttribute)
    }

    private func isInvalidFilter(_ text: String, allowsSingleQuotes: Bool = false) -> Bool {
        thrownError { () throws(SCIMError) in try parse(text, allowsSingleQuotes: allowsSingleQuotes) }?
            .scimType == .invalidFilter
    }

    // MARK: - Comparisons

    @Test(
        "RFC 7644 §3.4.2.2: every comparison operator parses",
        arguments: ComparisonOperator.allCases.filter { $0 != .pr })
    func comparisonOperator(op: ComparisonOperator) throws {
        let filter = try parse("title \(op.rawValue) \"x\"")

        #expect(filter == .comparison(path("title"), op, .string("x")))
    }

    @Test("RFC 7644 §3.4.2.2: operators match in any case", arguments: ["EQ", "Eq", "eQ"])
    func operatorCase(op: String) throws {
        #expect(try parse("userName \(op) \"bjensen\"") == .comparison(path("userName"), .eq, .string("bjensen")))
    }

    @Test("RFC 7644 §3.4.2.2: pr takes no value")
    func presence() throws {
        #expect(try parse("title pr") == .comparison(path("title"), .pr, nil))
        #expect(try parse("title PR") == .comparison(path("title"), .pr, nil))
    }

    @Test(
        "RFC 7644 §3.4.2.2: literals parse as JSON values",
        arguments: [
            ("true", FilterValue.bool(true)), ("false", .bool(false)), ("null", .null), ("42", .integer(42)),
            ("-7", .integer(-7)), ("1.5", .decimal(1.5)), ("2e3", .decimal(2000)), ("\"\"", .string("")),
        ])
    func literal(text: String, expected: FilterValue) throws {
        #expect(try parse("a eq \(text)") == .comparison(path("a"), .eq, expected))
    }

    @Test("String values decode JSON escapes and keep Unicode")
    func stringEscapes() throws {
        let filter = try parse(#"displayName eq "Zoë \"Z\" \\ \u00e9 \ud83d\ude00 東京""#)

        #expect(filter == .comparison(path("displayName"), .eq, .string("Zoë \"Z\" \\ é 😀 東京")))
    }

    @Test("String values may contain keywords, brackets and parentheses")
    func stringWithSyntax() throws {
        let filter = try parse(#"title eq "a and (b) or [c] not""#)

        #expect(filter == .comparison(path("title"), .eq, .string("a and (b) or [c] not")))
    }

    @Test("Sub-attributes and URN-qualified names parse")
    func attributePaths() throws {
        let core = "urn:ietf:params:scim:schemas:core:2.0:User"
        let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

        #expect(
            try parse("name.familyName co \"O'Malley\"")
                == .comparison(path("name", "familyName"), .co, .string("O'Malley")))
        #expect(
            try parse("\(core):userName sw \"J\"") == .comparison(path("userName", schema: core), .sw, .string("J")))
        #expect(
            try parse("\(enterprise):manager.value eq \"26118915\"")
                == .comparison(path("manager", "value", schema: enterprise), .eq, .string("26118915")))
        #expect(
            try parse("meta.lastModified gt \"2011-05-13T04:42:34Z\"")
                == .comparison(path("meta", "lastModified"), .gt, .string("2011-05-13T04:42:34Z")))
    }

    // MARK: - Logical operators

    @Test("RFC 7644 §3.4.2.2: and binds tighter than or")
    func andBeforeOr() throws {
        let filter = try parse("a pr or b pr and c pr")

        #expect(
            filter
                == .or(
                    .comparison(path("a"), .pr, nil),
                    .and(.comparison(path("b"), .pr, nil), .comparison(path("c"), .pr, nil))))
    }

    @Test("RFC 7644 §3.4.2.2: parentheses override precedence")
    func grouping() throws {
        let filter = try parse("(a pr or b pr) and c pr")

        #expect(
            filter
                == .and(
                    .or(.comparison(path("a"), .pr, nil), .comparison(path("b"), .pr, nil)),
                    .comparison(path("c"), .pr, nil)))
    }

    @Test("RFC 7644 §3.4.2.2: not applies to a group and binds tightest")
    func notBindsTightest() throws {
        let filter = try parse("not (a pr) and b pr")

        #expect(filter == .and(.not(.comparison(path("a"), .pr, nil)), .comparison(path("b"), .pr, nil)))
        #expect(try parse("not(a pr)") == .not(.comparison(path("a"), .pr, nil)))
    }

    @Test("Chains of and and or associate to the left")
    func leftAssociative() throws {
        let a = Filter.comparison(path("a"), .pr, nil)
        let b = Filter.comparison(path("b"), .pr, nil)
        let c = Filter.comparison(path("c"), .pr, nil)

        #expect(try parse("a pr and b pr and c pr") == .and(.and(a, b), c))
        #expect(try parse("a pr or b pr or c pr") == .or(.or(a, b), c))
    }

    @Test("Logical keywords match in any case", arguments: ["AND", "And", "aNd"])
    func keywordCase(keyword: String) throws {
        let filter = try parse("NOT (b pr) \(keyword) a pr OR c pr")

        #expect(
            filter
                == .or(
                    .and(.not(.comparison(path("b"), .pr, nil)), .comparison(path("a"), .pr, nil)),
                    .comparison(path("c"), .pr, nil)))
    }

    @Test("RFC 7644 §3.4.2.2: not may follow and or or", arguments: ["and", "or", "AND"])
    func notAfterLogicalOperator(keyword: String) throws {
        let filter = try parse("a pr \(keyword) not (b pr)")

        let right = Filter.not(.comparison(path("b"), .pr, nil))
        let expected: Filter =
            keyword.lowercased() == "and"
            ? .and(.comparison(path("a"), .pr, nil), right) : .or(.comparison(path("a"), .pr, nil), right)
        #expect(filter == expected)
    }

    @Test("RFC 7644 §3.4.2.2: not inside a group")
    func notInsideGroup() throws {
        #expect(try parse("(not (a pr))") == .not(.comparison(path("a"), .pr, nil)))
    }

    @Test("Attribute names that start with a keyword are names")
    func keywordPrefixedNames() throws {
        #expect(try parse("notes pr") == .comparison(path("notes"), .pr, nil))
        #expect(
            try parse("a pr or order pr") == .or(.comparison(path("a"), .pr, nil), .comparison(path("order"), .pr, nil))
        )
        #expect(
            try parse("a pr and android pr")
                == .and(.comparison(path("a"), .pr, nil), .comparison(path("android"), .pr, nil)))
    }

    // MARK: - Value paths

    @Test("RFC 7644 §3.4.2.2: value path filters a multi-valued attribute")
    func valuePath() throws {
        let filter = try parse(#"emails[type eq "work"]"#)

        #expect(filter == .valuePath(path("emails"), .comparison(path("type"), .eq, .string("work"))))
    }

    @Test("RFC 7644 §3.4.2.2: value path with inner logic")
    func valuePathWithLogic() throws {
        let filter = try parse(#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp"]"#)

        let inner = Filter.and(
            .comparison(path("type"), .eq, .string("work")), .comparison(path("value"), .co, .string("@example.com")))
        #expect(
            filter
                == .or(
                    .valuePath(path("emails"), inner),
                    .valuePath(path("ims"), .comparison(path("type"), .eq, .string("xmpp")))))
    }

    @Test("Value path followed by a sub-attribute comparison, as Entra ID sends it")
    func valuePathWithSubAttribute() throws {
        let filter = try parse(#"emails[type eq "work"].value eq "alice@example.com""#)

        let expected = Filter.valuePath(
            path("emails"),
            .and(
                .comparison(path("type"), .eq, .string("work")),
                .comparison(path("value"), .eq, .string("alice@example.com"))))
        #expect(filter == expected)
    }

    @Test("Value path joined with a comparison")
    func valuePathJoined() throws {
        let filter = try parse(#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#)

        guard case .and(.comparison, .valuePath) = filter else {
            Issue.record("unexpected tree \(filter)")
            return
        }
    }

    // MARK: - Quotes

    @Test("Single quotes are rejected unless allowed")
    func singleQuotesRejected() {
        #expect(isInvalidFilter("userName eq 'bjensen'"))
    }

    @Test("Single quotes are accepted when allowed")
    func singleQuotesAllowed() throws {
        let filter = try parse("userName eq 'test%40domain.com'", allowsSingleQuotes: true)

        #expect(filter == .comparison(path("userName"), .eq, .string("test%40domain.com")))
    }

    @Test("Single-quoted string keeps a double quote inside")
    func singleQuotedDoubleQuote() throws {
        let filter = try parse(#"displayName eq 'say "hi"'"#, allowsSingleQuotes: true)

        #expect(filter == .comparison(path("displayName"), .eq, .string(#"say "hi""#)))
    }

    @Test("Double-quoted strings still parse when single quotes are allowed")
    func doubleQuotesWithSingleAllowed() throws {
        #expect(try parse(#"a eq "it's""#, allowsSingleQuotes: true) == .comparison(path("a"), .eq, .string("it's")))
    }

    // MARK: - Errors

    @Test(
        "RFC 7644 §3.4.2.2: broken filters throw invalidFilter",
        arguments: [
            "", "   ", "(a pr", "a pr)", "((a pr)", "a pr))", "a xx \"1\"", "a eq", "a eq bjensen",
            "externalId eq jyoung", "a", "eq \"x\"", "a eq \"x", "a pr and", "or a pr", "a pr or or b pr",
            "not a pr", "emails[type eq \"work\"", "emails[type eq \"work\"]]", "emails[]", "a.b.c pr",
            "1abc pr", "a eq \"x\" b", "a eq \"\\q\"", "a eq +5", "a eq 007", "a eq 0x1p3", "a eq .5", "a eq 1.",
            "a eq \"\u{1}\"", "a eq nan", "a eq inf", "a eq Infinity", "[a pr]", "a pr and (b pr", "a[b pr].c",
            "a eq\"x\"", "a pr(b pr)", "a. pr", ".a pr", "urn:ietf:params:scim:schemas:core:2.0:User: pr",
            "a eq \"tab\there\"",
        ])
    func brokenFilterThrows(text: String) {
        #expect(isInvalidFilter(text), "\(text)")
    }

    @Test("Filter of exactly the maximum length parses")
    func maximumLength() throws {
        let prefix = "title eq \""
        let padding = String(repeating: "x", count: FilterParser.maxLength - prefix.utf8.count - 1)

        #expect(throws: Never.self) { try parse(prefix + padding + "\"") }
    }

    @Test("Filter over 10,000 bytes throws invalidFilter")
    func overMaximumLength() {
        let prefix = "title eq \""
        let padding = String(repeating: "x", count: FilterParser.maxLength - prefix.utf8.count)

        #expect(isInvalidFilter(prefix + padding + "\""))
    }

    @Test("Deep nesting throws invalidFilter", arguments: ["(", "not (", "a["])
    func deepNesting(opener: String) {
        let count = 2_000
        let closer = opener == "a[" ? "]" : ")"
        let text = String(repeating: opener, count: count) + "b pr" + String(repeating: closer, count: count)

        #expect(isInvalidFilter(text))
    }

    @Test("Long flat chains parse without recursion limits")
    func longChain() throws {
        let text = Array(repeating: "a pr", count: 1_000).joined(separator: " and ")

        #expect(throws: Never.self) { try parse(text) }
    }

    @Test("Error detail names the position")
    func errorNamesPosition() {
        let error = thrownError { () throws(SCIMError) in try parse("a xx \"1\"") }

        #expect(error?.status == 400)
        #expect(error?.detail.contains("xx") == true)
        #expect(error?.detail.contains("position") == true)
    }
}
