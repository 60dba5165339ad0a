import SCIMTestSupport
import Testing

/// A user's representation and the whole database, recorded before a request that must change
/// nothing, to compare with afterwards.
struct UnchangedState {
    let fixture: TeamServer
    let userID: String
    let userBody: String
    let database: String

    init(_ fixture: TeamServer, userID: String) throws {
        self.fixture = fixture
        self.userID = userID
        userBody = try fixture.getUser(userID).text
        database = try fixture.store.snapshot()
    }

    /// Checks that `GET /Users/{id}` returns the same body (`meta.lastModified` included) and that
    /// no table changed.
    func expectUnchanged(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let body = try fixture.getUser(userID).text
        #expect(body == userBody, sourceLocation: sourceLocation)
        let database = try fixture.store.snapshot()
        #expect(database == self.database, sourceLocation: sourceLocation)
    }
}
