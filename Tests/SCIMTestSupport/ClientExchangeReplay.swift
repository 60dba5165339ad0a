import Foundation
import SCIMCore

/// Replays a ``ClientExchange`` against a fresh `scimd serve` in one profile and collects every
/// difference from what the fixture expects.
package final class ClientExchangeReplay {
    /// The team that `setup.foreignUsers` are created in.
    package static let foreignTeam = "globex"
    package static let foreignAdmin = "admin@globex.test"

    package let exchange: ClientExchange
    package let profile: String
    package let fixture: TeamServer
    private var placeholders: [String: String] = [:]

    /// Starts a server with `--profile PROFILE` and creates the fixture's users and groups.
    package init(_ exchange: ClientExchange, profile: String, serveArguments: [String] = []) throws {
        self.exchange = exchange
        self.profile = profile
        fixture = try TeamServer(serveArguments: ["--profile", profile] + serveArguments)
        placeholders["{base}"] = "\(fixture.server.origin)/scim/v2"
        placeholders["{missing}"] = String(repeating: "0", count: 48)
        try createUsers(exchange.users, key: fixture.adminKey)
        if !exchange.foreignUsers.isEmpty {
            let foreignKey = try fixture.scimd.createTeam(
                Self.foreignTeam, admin: Self.foreignAdmin, domains: ["globex.test"])
            try createUsers(exchange.foreignUsers, key: foreignKey)
        }
        try createGroups()
    }

    /// The outcome of one step: its name and every difference found.
    package struct StepOutcome: Sendable {
        package let step: String
        package let problems: [String]
    }

    /// Sends every step in order and returns one outcome per step.
    package func run() throws -> [StepOutcome] {
        try exchange.steps.map { step in
            StepOutcome(step: step.name, problems: try run(step))
        }
    }

    private func run(_ step: ClientExchange.Step) throws -> [String] {
        let expectation = try step.expectation(for: profile)
        let before = expectation.unchanged ? try fixture.store.snapshot() : nil
        var headers = try (exchange.headers + step.headers).map { ($0.name, try resolve($0.value)) }
        if !headers.contains(where: { $0.0.lowercased() == "authorization" }) {
            headers.insert(("Authorization", "Bearer \(fixture.adminKey)"), at: 0)
        }
        let body = try step.body.map { JSONWriter.encode(try resolve($0)) }
        if body != nil, !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            headers.append(("Content-Type", "application/scim+json; charset=utf-8"))
        }
        let request = HTTPClientRequest(step.method, try resolve(step.path), headers: headers, body: body)

        let response = try fixture.client.send(request)

        var problems = check(response, status: expectation.status, body: expectation.body, label: "response")
        if let saveAs = step.saveAs, let id = response.json["id"].string {
            placeholders["{\(saveAs)}"] = id
        }
        if let before, try fixture.store.snapshot() != before {
            problems.append("the database changed although the request must change nothing")
        }
        if let readBack = expectation.readBack {
            let read = try fixture.client.get(try resolve(readBack.path), key: fixture.adminKey)
            problems += check(read, status: readBack.status, body: readBack.body, label: "read-back")
        }
        return problems
    }

    private func check(_ response: HTTPClientResponse, status: Int, body: JSONValue?, label: String) -> [String] {
        var problems: [String] = []
        if response.status != status {
            problems.append("\(label): expected status \(status), found \(response)")
        }
        if status == 204, !response.body.isEmpty {
            problems.append("\(label): a 204 must have no body, found \(response.text)")
        }
        if !response.body.isEmpty, response.header("Content-Type")?.hasPrefix("application/scim+json") != true {
            problems.append("\(label): Content-Type \(response.header("Content-Type") ?? "<none>")")
        }
        guard let body else { return problems }
        do {
            let expected = try resolve(body)
            let actual = try? JSONParser.parse(response.body)
            problems += JSONSubset.mismatches(expected: expected, actual: actual).map { "\(label) \($0)" }
        } catch {
            problems.append("\(label): \(error)")
        }
        return problems
    }

    // MARK: - Setup

    private func createUsers(_ users: [(name: String, body: JSONObject)], key: String) throws {
        for (name, template) in users {
            var body = JSONObject([("schemas", .array([.string(UserJSON.userSchema)]))])
            for member in try resolve(.object(template)).objectValue?.members ?? [] {
                body.set(member.key, member.value)
            }
            let response = try fixture.client.post(
                "/scim/v2/Users", key: key, json: String(decoding: JSONWriter.encode(.object(body)), as: UTF8.self))
            guard response.status == 201, let id = response.json["id"].string else {
                throw TestSetupError("\(exchange.name): creating user '\(name)' failed: \(response)")
            }
            placeholders["{user:\(name)}"] = id
            placeholders["{userName:\(name)}"] = response.json["userName"].string ?? ""
        }
    }

    private func createGroups() throws {
        for (name, template) in exchange.groups {
            var body = JSONObject([("schemas", .array([.string(GroupJSON.groupSchema)]))])
            for member in template.members {
                if member.key == "members", let names = member.value.arrayValue {
                    body.set("members", .array(try names.map { try memberObject($0) }))
                } else {
                    body.set(member.key, try resolve(member.value))
                }
            }
            let response = try fixture.client.post(
                "/scim/v2/Groups", key: fixture.adminKey,
                json: String(decoding: JSONWriter.encode(.object(body)), as: UTF8.self))
            guard response.status == 201, let id = response.json["id"].string else {
                throw TestSetupError("\(exchange.name): creating group '\(name)' failed: \(response)")
            }
            placeholders["{group:\(name)}"] = id
        }
    }

    /// Turns a symbolic user name of `setup.groups` into a member object; objects pass as they are.
    private func memberObject(_ value: JSONValue) throws -> JSONValue {
        guard let name = value.stringValue else { return try resolve(value) }
        guard let id = placeholders["{user:\(name)}"] else {
            throw TestSetupError("\(exchange.name): group member '\(name)' is not a setup user")
        }
        return .object(JSONObject([("value", .string(id))]))
    }

    // MARK: - Placeholders

    /// Replaces every placeholder in the strings (and member names) of `value`.
    func resolve(_ value: JSONValue) throws -> JSONValue {
        switch value {
        case .string(let text):
            return .string(try resolve(text))
        case .array(let items):
            return .array(try items.map { try resolve($0) })
        case .object(let object):
            return .object(JSONObject(try object.members.map { (try resolve($0.key), try resolve($0.value)) }))
        default:
            return value
        }
    }

    /// Replaces every placeholder in `text`.
    /// - Throws: ``TestSetupError`` for a placeholder that nothing bound.
    func resolve(_ text: String) throws -> String {
        guard text.contains("{") else { return text }
        var result = text
        for (placeholder, replacement) in placeholders {
            result = result.replacingOccurrences(of: placeholder, with: replacement)
        }
        if let unbound = result.firstMatch(of: #/\{(user|userName|group):[A-Za-z0-9_-]+\}/#) {
            throw TestSetupError("\(exchange.name): the placeholder \(unbound.output.0) is not bound")
        }
        return result
    }
}
