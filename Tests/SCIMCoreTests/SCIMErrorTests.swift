import SCIMCore
import Testing

struct SCIMErrorTests {
    @Test(
        "RFC 7644 §3.12: scimType keywords are spelled as on the wire",
        arguments: [
            (SCIMError.Kind.invalidFilter, "invalidFilter"),
            (.tooMany, "tooMany"),
            (.uniqueness, "uniqueness"),
            (.mutability, "mutability"),
            (.invalidSyntax, "invalidSyntax"),
            (.invalidPath, "invalidPath"),
            (.noTarget, "noTarget"),
            (.invalidValue, "invalidValue"),
            (.invalidVers, "invalidVers"),
            (.sensitive, "sensitive"),
        ])
    func kindRawValue(kind: SCIMError.Kind, keyword: String) {
        #expect(kind.rawValue == keyword)
        #expect(SCIMError.Kind(rawValue: keyword) == kind)
    }

    @Test("RFC 9865: cursor keywords are spelled as on the wire")
    func cursorKindRawValues() {
        #expect(SCIMError.Kind.invalidCursor.rawValue == "invalidCursor")
        #expect(SCIMError.Kind.expiredCursor.rawValue == "expiredCursor")
    }

    @Test("Every kind is an RFC 7644 or RFC 9865 keyword")
    func noUnknownKinds() {
        let keywords: Set<String> = [
            "invalidFilter", "tooMany", "uniqueness", "mutability", "invalidSyntax", "invalidPath", "noTarget",
            "invalidValue", "invalidVers", "sensitive", "invalidCursor", "expiredCursor",
        ]

        #expect(Set(SCIMError.Kind.allCases.map(\.rawValue)) == keywords)
    }

    @Test("Factories set status, scimType and detail")
    func factories() {
        let cases: [(SCIMError, Int, SCIMError.Kind?)] = [
            (.invalidSyntax("d"), 400, .invalidSyntax),
            (.invalidValue("d"), 400, .invalidValue),
            (.invalidFilter("d"), 400, .invalidFilter),
            (.mutability("d"), 400, .mutability),
            (.invalidPath("d"), 400, .invalidPath),
            (.noTarget("d"), 400, .noTarget),
            (.invalidCursor("d"), 400, .invalidCursor),
            (.expiredCursor("d"), 400, .expiredCursor),
            (.uniqueness("d"), 409, .uniqueness),
            (.notFound("d"), 404, nil),
        ]

        for (error, status, kind) in cases {
            #expect(error.status == status)
            #expect(error.scimType == kind)
            #expect(error.detail == "d")
            #expect(error.statusEncoding == .string)
            #expect(error.underlying == nil)
        }
    }

    @Test("Server failures keep the cause out of the detail")
    func serverFailures() {
        let failure = SCIMError.internalFailure("constraint failed: users.x")
        let unavailable = SCIMError.unavailable("connection refused")

        #expect(failure.status == 500)
        #expect(failure.isServerFailure)
        #expect(!failure.detail.contains("constraint"))
        #expect(failure.underlying == "constraint failed: users.x")
        #expect(unavailable.status == 503)
        #expect(unavailable.retryAfterSeconds == 1)
        #expect(!unavailable.detail.contains("refused"))
        #expect(!SCIMError.invalidValue("x").isServerFailure)
    }

    @Test("Payload-too-large names the limit")
    func payloadTooLarge() {
        let error = SCIMError.payloadTooLarge(limit: 1_048_576)

        #expect(error.status == 413)
        #expect(error.detail.contains("1048576"))
    }

    @Test("RFC 7644 §3.12: every error's status is allowed for the methods that raise it")
    func statusMatchesMethods() {
        for raised in Self.raisedErrors {
            for method in raised.methods {
                let allowed = Self.allowedStatuses[method] ?? []
                #expect(allowed.contains(raised.error.status), "\(raised.name) on \(method)")
            }
        }
    }

    @Test("RFC 7644 §3.12: a scimType comes only with 400, or 409 for uniqueness")
    func scimTypeMatchesStatus() {
        for raised in Self.raisedErrors {
            guard let kind = raised.error.scimType else { continue }
            let expected = kind == .uniqueness ? 409 : 400
            #expect(raised.error.status == expected, "\(raised.name)")
        }
    }
}

extension SCIMErrorTests {
    enum Method: String, CaseIterable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    struct RaisedError {
        var name: String
        var error: SCIMError
        var methods: [Method]
    }

    /// The statuses RFC 7644 §3.12 lists per method, plus 429 and 503, which HTTP allows for any method.
    static let allowedStatuses: [Method: Set<Int>] = [
        .get: [400, 401, 403, 404, 429, 500, 501, 503],
        .post: [400, 401, 403, 404, 409, 413, 429, 500, 501, 503],
        .put: [400, 401, 403, 404, 409, 412, 413, 429, 500, 501, 503],
        .patch: [400, 401, 403, 404, 409, 412, 413, 429, 500, 501, 503],
        .delete: [400, 401, 403, 404, 409, 412, 429, 500, 501, 503],
    ]

    /// Every factory, with the methods whose handlers raise it.
    static var raisedErrors: [RaisedError] {
        let all = Method.allCases
        let bodies: [Method] = [.post, .put, .patch]
        let byID: [Method] = [.get, .put, .patch, .delete]
        var raised: [RaisedError] = [
            RaisedError(name: "invalidSyntax", error: .invalidSyntax("d"), methods: all),
            RaisedError(name: "invalidValue", error: .invalidValue("d"), methods: [.get] + bodies),
            RaisedError(name: "invalidFilter", error: .invalidFilter("d"), methods: [.get]),
            RaisedError(name: "mutability", error: .mutability("d"), methods: [.put, .patch]),
            RaisedError(name: "invalidPath", error: .invalidPath("d"), methods: [.patch]),
            RaisedError(name: "noTarget", error: .noTarget("d"), methods: [.patch]),
            RaisedError(name: "uniqueness", error: .uniqueness("d"), methods: bodies),
            RaisedError(name: "notFound", error: .notFound("d"), methods: all),
            RaisedError(name: "payloadTooLarge", error: .payloadTooLarge(limit: 1), methods: bodies),
            RaisedError(name: "internalFailure", error: .internalFailure("x"), methods: all),
            RaisedError(name: "unavailable", error: .unavailable("x"), methods: all),
        ]
        for profile in Profile.allCases {
            let catalogue = ErrorCatalogue(profile: profile)
            let prefix = "\(profile)."
            raised += [
                RaisedError(name: prefix + "invalidKey", error: catalogue.invalidKey(), methods: all),
                RaisedError(name: prefix + "teamGone", error: catalogue.teamGone(), methods: all),
                RaisedError(name: prefix + "adminNotOnTeam", error: catalogue.adminNotOnTeam(), methods: all),
                RaisedError(
                    name: prefix + "adminActionNotAllowed", error: catalogue.adminActionNotAllowed(),
                    methods: [.put, .patch, .delete]),
                RaisedError(
                    name: prefix + "invalidPayload", error: catalogue.invalidPayload(.invalidValue("d")),
                    methods: bodies),
                RaisedError(
                    name: prefix + "userNotFound", error: catalogue.userNotFound(id: "x", inOtherTeam: false),
                    methods: byID),
                RaisedError(
                    name: prefix + "userInOtherTeam", error: catalogue.userNotFound(id: "x", inOtherTeam: true),
                    methods: byID),
                RaisedError(name: prefix + "userNameTaken", error: catalogue.userNameTaken("x"), methods: bodies),
                RaisedError(
                    name: prefix + "userNameNotUpdated", error: catalogue.userNameNotUpdated("x"),
                    methods: [.put, .patch]),
                RaisedError(
                    name: prefix + "unsupportedFilter", error: catalogue.unsupportedFilter("x"), methods: [.get]),
                RaisedError(
                    name: prefix + "rateLimited", error: catalogue.rateLimited(limit: 1, retryAfterSeconds: 1),
                    methods: all),
            ]
            raised += [
                RaisedError(
                    name: prefix + "groupNotFound", error: catalogue.groupNotFound(id: "x"),
                    methods: [.get, .put, .patch, .delete]),
                RaisedError(name: prefix + "groupNameTaken", error: catalogue.groupNameTaken("x"), methods: bodies),
                RaisedError(
                    name: prefix + "invalidMember", error: catalogue.invalidMember("x", reason: "r"), methods: bodies),
            ]
            for operation in Self.operations {
                raised.append(
                    RaisedError(
                        name: prefix + "internalFailure.\(operation)",
                        error: catalogue.internalFailure(operation, requestID: "r", underlying: nil),
                        methods: [Self.method(of: operation)]))
            }
        }
        return raised
    }

    static let operations: [Operation] = [
        .listUsers, .getUser, .createUser, .replaceUser, .patchUser, .deleteUser, .listGroups, .getGroup,
        .createGroup, .replaceGroup, .patchGroup, .deleteGroup, .discovery,
    ]

    /// The HTTP method of each operation; a new operation fails to compile here until it is listed.
    static func method(of operation: Operation) -> Method {
        switch operation {
        case .listUsers, .getUser, .listGroups, .getGroup, .discovery: .get
        case .createUser, .createGroup: .post
        case .replaceUser, .replaceGroup: .put
        case .patchUser, .patchGroup: .patch
        case .deleteUser, .deleteGroup: .delete
        }
    }
}
