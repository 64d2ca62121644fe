using System.Net;
using System.Net.Http.Json;
using MySaasChat.Contracts;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class RefreshTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_keeps_the_session()
    {
        var first = await _app.SignUpAsync();
        var response = await _app.RefreshAsync(first.RefreshToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json))!;
        second.RefreshToken.ShouldNotBe(first.RefreshToken);
        second.AccessToken.ShouldNotBe(first.AccessToken);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", second.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _app.RefreshAsync(second.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_revokes_the_whole_family()
    {
        var first = await _app.SignUpAsync();
        var second = (await (await _app.RefreshAsync(first.RefreshToken)).Content.ReadFromJsonAsync<TokenResponse>(Json))!;

        var reuse = await _app.RefreshAsync(first.RefreshToken);
        reuse.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CodeOf(reuse)).ShouldBe("auth.refresh_reused");

        // The thief's and the owner's latest tokens die with the family, and so do its access tokens.
        (await _app.RefreshAsync(second.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", second.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.EventsAsync()).ShouldContain(e => e.Type == nameof(SessionRevoked) && e.Payload.GetProperty("userId").GetGuid() == first.User.Id);
    }

    [Fact]
    public async Task Unknown_or_malformed_refresh_tokens_answer_401_or_400()
    {
        var unknown = await _app.RefreshAsync("not-a-token-we-issued");
        unknown.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var missing = await _app.Client.PostAsJsonAsync("/api/auth/refresh", new { });
        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(missing)).ShouldBe("refreshToken");
        var wrongType = await _app.Client.PostAsync("/api/auth/refresh", new StringContent("{\"refreshToken\":5}", System.Text.Encoding.UTF8, "application/json"));
        wrongType.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var tooLong = await _app.RefreshAsync(new string('r', 500));
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_cookie_refreshes_only_with_the_anti_csrf_header()
    {
        var tokens = await _app.SignUpAsync();
        var withoutHeader = new HttpRequestMessage(HttpMethod.Post, "/api/auth/refresh");
        withoutHeader.Headers.Add("Cookie", $"refresh_token={tokens.RefreshToken}");
        var refused = await _app.Client.SendAsync(withoutHeader);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(refused)).ShouldBe("auth.csrf");

        var withHeader = new HttpRequestMessage(HttpMethod.Post, "/api/auth/refresh");
        withHeader.Headers.Add("Cookie", $"refresh_token={tokens.RefreshToken}");
        withHeader.Headers.Add("X-Requested-With", "XMLHttpRequest");
        var ok = await _app.Client.SendAsync(withHeader);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        ok.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith("refresh_token=", StringComparison.Ordinal) && !c.StartsWith("refresh_token=" + tokens.RefreshToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_sign_out_the_refresh_token_and_access_token_are_useless()
    {
        var tokens = await _app.SignUpAsync();
        var signout = await _app.SendAsync(HttpMethod.Post, "/api/auth/signout", tokens.AccessToken);
        signout.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _app.RefreshAsync(tokens.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", tokens.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_session_of_the_user_only()
    {
        var email = NewEmail();
        var a = await _app.SignUpAsync(email);
        var b = await _app.SignInAsync(email);
        var other = await _app.SignUpAsync();
        (await _app.SendAsync(HttpMethod.Post, "/api/auth/signout-all", b.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _app.RefreshAsync(a.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.RefreshAsync(b.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", a.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", other.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _app.RefreshAsync(other.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Sign_out_without_a_token_answers_401()
    {
        (await _app.Client.PostAsync("/api/auth/signout", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.Client.PostAsync("/api/auth/signout-all", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
