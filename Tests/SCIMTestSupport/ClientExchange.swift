package import Foundation
package import SCIMCore

/// A recorded client exchange loaded from a JSON fixture under `Fixtures/`: the users and groups to
/// create first, then requests, each with the status and body expected per profile and the resource
/// expected when it is read back afterwards.
///
/// The fixture format:
///
/// ```json
/// {"source": "where the requests come from",
///  "headers": {"User-Agent": "…"},                  // sent with every step (optional)
///  "setup": {"users": {"bob": {"userName": "bob@acme.test"}},
///            "foreignUsers": {"eve": {"userName": "eve@globex.test"}},
///            "groups": {"eng": {"displayName": "Engineering", "members": ["bob"]}}},
///  "steps": [{"name": "…",
///             "request": {"method": "PATCH", "path": "/scim/v2/Groups/{group:eng}", "headers": {}, "body": {…}},
///             "expect": {"status": 200, "body": {…}, "unchanged": false,
///                        "readBack": {"path": "…", "status": 200, "body": {…}}},
///             "rfc": {"status": 204}}]}
/// ```
///
/// `setup.users` are `POST /Users` bodies (the User schema is added); `foreignUsers` go to a second
/// team. `setup.groups` are `POST /Groups` bodies whose `members` list symbolic user names. Strings in
/// paths, headers and bodies may contain placeholders: `{user:NAME}` and `{group:NAME}` (ids),
/// `{userName:NAME}`, `{base}` (the `/scim/v2` base URL) and `{missing}` (a well-formed id of nothing).
/// A step's `postman` and `rfc` members replace members of `expect` for that profile. A step with
/// `saveAs` of `user:NAME` or `group:NAME` binds the `id` of its response to that placeholder.
///
/// Bodies are matched as subsets (see ``JSONSubset``); an expected 204 ignores any `body`. `unchanged: true` requires every table of the
/// database to be the same after the request as before it.
package struct ClientExchange: Sendable {
    /// The fixture's path under `Fixtures/`, for example `clients/okta/okta-group-push.json`.
    package let name: String
    package let source: String
    package let headers: [(name: String, value: String)]
    package let users: [(name: String, body: JSONObject)]
    package let foreignUsers: [(name: String, body: JSONObject)]
    package let groups: [(name: String, body: JSONObject)]
    package let steps: [Step]

    /// One request and what each profile expects of it.
    package struct Step: Sendable {
        package let name: String
        package let method: String
        package let path: String
        package let headers: [(name: String, value: String)]
        package let body: JSONValue?
        package let saveAs: String?
        /// The expectation members shared by both profiles, then the overrides of each profile.
        let shared: JSONObject
        let overrides: [String: JSONObject]

        /// Returns the expectation for `profile` ("postman" or "rfc").
        package func expectation(for profile: String) throws -> Expectation {
            var merged = shared
            for member in overrides[profile]?.members ?? [] { merged.set(member.key, member.value) }
            return try Expectation(merged, step: name)
        }
    }

    /// What one profile expects of a step.
    package struct Expectation: Sendable {
        package let status: Int
        package let body: JSONValue?
        package let unchanged: Bool
        package let readBack: ReadBack?

        init(_ object: JSONObject, step: String) throws {
            guard case .integer(let status)? = object["status"] else {
                throw TestSetupError("step '\(step)' has no integer 'status' to expect")
            }
            self.status = Int(status)
            // A 204 has no body, so a body shared with the other profile does not apply to it.
            body = status == 204 ? nil : object["body"]
            unchanged = object["unchanged"] == .bool(true)
            readBack = try object["readBack"].map { try ReadBack($0, step: step) }
        }
    }

    /// A `GET` after the step and the status and body it must return.
    package struct ReadBack: Sendable {
        package let path: String
        package let status: Int
        package let body: JSONValue?

        init(_ value: JSONValue, step: String) throws {
            guard let object = value.objectValue, let path = object["path"]?.stringValue else {
                throw TestSetupError("step '\(step)' has a 'readBack' without a 'path'")
            }
            self.path = path
            if case .integer(let status)? = object["status"] { self.status = Int(status) } else { self.status = 200 }
            body = object["body"]
        }
    }
}

// MARK: - Loading

extension ClientExchange {
    /// The folder of fixtures inside the SCIMTestSupport resource bundle.
    package static var fixturesDirectory: URL {
        Bundle.module.bundleURL.appendingPathComponent("Fixtures")
    }

    /// Returns the path under `Fixtures/` of every `.json` file below `folder`, sorted.
    package static func fixtureNames(under folder: String) -> [String] {
        let root = fixturesDirectory.appendingPathComponent(folder)
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var names: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".json") { names.append("\(folder)/\(relative)") }
        }
        return names.sorted()
    }

    /// Loads and checks the fixture at `name` under `Fixtures/`.
    package static func load(_ name: String) throws -> ClientExchange {
        let url = fixturesDirectory.appendingPathComponent(name)
        let bytes = try [UInt8](Data(contentsOf: url))
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw TestSetupError("fixture \(name) is not valid JSON: \(error)")
        }
        guard let object = root.objectValue else { throw TestSetupError("fixture \(name) is not a JSON object") }
        return try ClientExchange(name: name, object)
    }

    private init(name: String, _ object: JSONObject) throws {
        self.name = name
        guard let source = object["source"]?.stringValue, !source.isEmpty else {
            throw TestSetupError("fixture \(name) has no 'source'")
        }
        self.source = source
        headers = try Self.headerList(object["headers"], context: name)
        let setup = object["setup"]?.objectValue ?? JSONObject()
        users = try Self.namedObjects(setup["users"], context: "\(name) setup.users")
        foreignUsers = try Self.namedObjects(setup["foreignUsers"], context: "\(name) setup.foreignUsers")
        groups = try Self.namedObjects(setup["groups"], context: "\(name) setup.groups")
        guard let stepValues = object["steps"]?.arrayValue, !stepValues.isEmpty else {
            throw TestSetupError("fixture \(name) has no 'steps'")
        }
        steps = try stepValues.enumerated().map { index, value in
            try Step(value, fallbackName: "\(name) step \(index + 1)")
        }
    }

    static func namedObjects(_ value: JSONValue?, context: String) throws -> [(name: String, body: JSONObject)] {
        guard let value else { return [] }
        guard let object = value.objectValue else { throw TestSetupError("\(context) must be an object") }
        return try object.members.map { member in
            guard let body = member.value.objectValue else {
                throw TestSetupError("\(context).\(member.key) must be an object")
            }
            return (member.key, body)
        }
    }

    static func headerList(_ value: JSONValue?, context: String) throws -> [(name: String, value: String)] {
        guard let value else { return [] }
        guard let object = value.objectValue else { throw TestSetupError("'headers' in \(context) must be an object") }
        return try object.members.map { member in
            guard let text = member.value.stringValue else {
                throw TestSetupError("header \(member.key) in \(context) must be a string")
            }
            return (member.key, text)
        }
    }
}

extension ClientExchange.Step {
    init(_ value: JSONValue, fallbackName: String) throws {
        guard let object = value.objectValue, let request = object["request"]?.objectValue else {
            throw TestSetupError("\(fallbackName) has no 'request' object")
        }
        name = object["name"]?.stringValue ?? fallbackName
        guard let method = request["method"]?.stringValue, let path = request["path"]?.stringValue else {
            throw TestSetupError("step '\(name)' needs a request 'method' and 'path'")
        }
        self.method = method
        self.path = path
        headers = try ClientExchange.headerList(request["headers"], context: name)
        body = request["body"]
        saveAs = object["saveAs"]?.stringValue
        guard let shared = object["expect"]?.objectValue else {
            throw TestSetupError("step '\(name)' has no 'expect' object")
        }
        self.shared = shared
        var overrides: [String: JSONObject] = [:]
        for profile in ["postman", "rfc"] {
            if let override = object[profile]?.objectValue { overrides[profile] = override }
        }
        self.overrides = overrides
        // Both profiles must have a valid expectation, so a broken fixture fails when it loads.
        for profile in ["postman", "rfc"] { _ = try expectation(for: profile) }
    }
}
