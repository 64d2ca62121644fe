using System.Net;
using System.Net.Http.Json;
using MySaasChat.Contracts;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class SessionTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<List<SessionResponse>> SessionsAsync(string token)
    {
        var response = await _app.SendAsync(HttpMethod.Get, "/api/auth/sessions", token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<List<SessionResponse>>(Json))!;
    }

    [Fact]
    public async Task Sessions_list_each_device_and_mark_the_current_one()
    {
        var email = NewEmail();
        await _app.SignUpAsync(email);
        (await _app.PostSignInAsync(email, userAgent: "Phone/2")).EnsureSuccessStatusCode();
        var laptop = await _app.SignInAsync(email);
        var sessions = await SessionsAsync(laptop.AccessToken);
        sessions.Count.ShouldBe(3);
        sessions.Count(s => s.Current).ShouldBe(1);
        sessions.ShouldContain(s => s.Device == "Phone/2");
    }

    [Fact]
    public async Task Revoking_a_session_ends_it_and_its_tokens()
    {
        var email = NewEmail();
        var phone = await _app.SignUpAsync(email);
        var laptop = await _app.SignInAsync(email);
        var phoneSession = (await SessionsAsync(laptop.AccessToken)).Single(s => !s.Current);
        var response = await _app.SendAsync(HttpMethod.Delete, $"/api/auth/sessions/{phoneSession.Id}", laptop.AccessToken);
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _app.RefreshAsync(phone.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", phone.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await SessionsAsync(laptop.AccessToken)).Count.ShouldBe(1);
        (await _app.EventsAsync()).ShouldContain(e => e.Type == nameof(SessionRevoked) && e.Payload.GetProperty("sessionId").GetGuid() == phoneSession.Id);
    }

    [Fact]
    public async Task A_user_can_neither_see_nor_revoke_another_users_session()
    {
        var alice = await _app.SignUpAsync();
        var mallory = await _app.SignUpAsync();
        var aliceSession = (await SessionsAsync(alice.AccessToken)).Single();
        (await SessionsAsync(mallory.AccessToken)).ShouldNotContain(s => s.Id == aliceSession.Id);

        var attempt = await _app.SendAsync(HttpMethod.Delete, $"/api/auth/sessions/{aliceSession.Id}", mallory.AccessToken);
        attempt.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _app.RefreshAsync(alice.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bad_session_ids_answer_400_or_404()
    {
        var user = await _app.SignUpAsync();
        var bad = await _app.SendAsync(HttpMethod.Delete, "/api/auth/sessions/not-a-guid", user.AccessToken);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(bad)).ShouldBe("id");
        (await _app.SendAsync(HttpMethod.Delete, $"/api/auth/sessions/{Guid.NewGuid()}", user.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _app.Client.GetAsync("/api/auth/sessions")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
