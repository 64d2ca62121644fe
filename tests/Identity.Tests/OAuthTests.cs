using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using MySaasChat.Contracts;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

/// <summary>Stands in for Google's and GitHub's token and user endpoints, checking PKCE as they do.</summary>
public sealed class FakeProviders : HttpMessageHandler
{
    public string? Challenge { get; set; }
    public string Email { get; set; } = NewEmail();
    public bool EmailVerified { get; set; } = true;
    public List<string> Calls { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var url = request.RequestUri!.ToString();
        Calls.Add(url);
        if (url is "https://oauth2.googleapis.com/token" or "https://github.com/login/oauth/access_token")
        {
            var form = QueryHelpers.ParseQuery(await request.Content!.ReadAsStringAsync(ct));
            var verifier = form["code_verifier"].ToString();
            var pkceOk = Challenge is not null && Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) == Challenge;
            if (form["code"] != "good-code" || !pkceOk || form["client_secret"] != "shh")
            {
                return Json(HttpStatusCode.BadRequest, new { error = "invalid_grant" });
            }
            return Json(HttpStatusCode.OK, new { access_token = "provider-token", token_type = "bearer" });
        }
        if (request.Headers.Authorization?.Parameter != "provider-token") return Json(HttpStatusCode.Unauthorized, new { });
        return url switch
        {
            "https://openidconnect.googleapis.com/v1/userinfo" => Json(HttpStatusCode.OK, new { sub = "1", email = Email, email_verified = EmailVerified, name = "Google Person", picture = "https://lh3.example.com/p.png" }),
            "https://api.github.com/user" => Json(HttpStatusCode.OK, new { id = 1, login = "octocat", name = (string?)null, email = (string?)null, avatar_url = "https://avatars.example.com/1" }),
            "https://api.github.com/user/emails" => Json(HttpStatusCode.OK, new object[]
            {
                new { email = "unverified-" + Email, primary = false, verified = false },
                new { email = Email, primary = true, verified = EmailVerified },
            }),
            _ => Json(HttpStatusCode.NotFound, new { }),
        };
    }

    private static HttpResponseMessage Json(HttpStatusCode status, object body) =>
        new(status) { Content = JsonContent.Create(body) };
}

public sealed class OAuthTests : IAsyncLifetime
{
    private const string Frontend = "https://chat.example.test";
    private readonly FakeProviders _providers = new();
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(
        Settings(("GOOGLE_CLIENT_ID", "google-id"), ("GOOGLE_CLIENT_SECRET", "shh"), ("GITHUB_CLIENT_ID", "github-id"), ("GITHUB_CLIENT_SECRET", "shh"), ("FRONTEND_URL", Frontend)),
        configure: b => b.Services.AddHttpClient("oauth").ConfigurePrimaryHttpMessageHandler(() => _providers));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string? Cookie(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Where(v => v.StartsWith(name + "=", StringComparison.Ordinal)).Select(v => v[(name.Length + 1)..].Split(';')[0]).FirstOrDefault(v => v.Length > 0)
            : null;

    /// <summary>Start: returns the state the provider would send back, the browser's state cookie and the authorize URL.</summary>
    private async Task<(string State, string StateCookie, Uri Authorize)> StartAsync(string provider, string returnTo = "/chats")
    {
        var response = await _app.Client.GetAsync($"/api/auth/oauth/{provider}/start?returnTo={Uri.EscapeDataString(returnTo)}");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = response.Headers.Location!;
        var query = QueryHelpers.ParseQuery(location.Query);
        query["code_challenge_method"].ToString().ShouldBe("S256");
        _providers.Challenge = query["code_challenge"];
        return (query["state"]!, Cookie(response, "oauth_state")!, location);
    }

    private Task<HttpResponseMessage> CallbackAsync(string provider, string state, string? cookie, string code = "good-code")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/auth/oauth/{provider}/callback?code={code}&state={Uri.EscapeDataString(state)}");
        if (cookie is not null) request.Headers.Add("Cookie", $"oauth_state={cookie}");
        return _app.Client.SendAsync(request);
    }

    [Fact]
    public async Task Google_sign_in_creates_a_verified_account_and_lands_on_the_web_app_with_the_refresh_cookie()
    {
        var (state, cookie, authorize) = await StartAsync("google");
        authorize.GetLeftPart(UriPartial.Path).ShouldBe("https://accounts.google.com/o/oauth2/v2/auth");
        var query = QueryHelpers.ParseQuery(authorize.Query);
        query["client_id"].ToString().ShouldBe("google-id");
        query["redirect_uri"].ToString().ShouldEndWith("/api/auth/oauth/google/callback");

        var callback = await CallbackAsync("google", state, cookie);
        callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        callback.Headers.Location!.ToString().ShouldBe(Frontend + "/chats");
        callback.Headers.Location.ToString().ShouldNotContain("token", Case.Insensitive);
        var refresh = Cookie(callback, "refresh_token");
        refresh.ShouldNotBeNull();

        var tokens = (await (await _app.RefreshAsync(refresh)).Content.ReadFromJsonAsync<TokenResponse>(Json))!;
        tokens.User.Email.ShouldBe(_providers.Email);
        tokens.User.EmailVerified.ShouldBeTrue();
        tokens.User.Name.ShouldBe("Google Person");
        (await _app.EventsAsync()).ShouldContain(e => e.Type == nameof(UserRegistered) && e.Payload.GetProperty("email").GetString() == _providers.Email);
    }

    [Fact]
    public async Task GitHub_sign_in_links_the_existing_account_by_its_verified_email()
    {
        var existing = await _app.SignUpAsync(_providers.Email);
        var (state, cookie, _) = await StartAsync("github", "/settings");
        var callback = await CallbackAsync("github", state, cookie);
        callback.Headers.Location!.ToString().ShouldBe(Frontend + "/settings");
        var tokens = (await (await _app.RefreshAsync(Cookie(callback, "refresh_token")!)).Content.ReadFromJsonAsync<TokenResponse>(Json))!;
        tokens.User.Id.ShouldBe(existing.User.Id);
        _providers.Calls.ShouldContain("https://api.github.com/user/emails");
    }

    [Fact]
    public async Task A_pre_registered_unverified_account_loses_its_password_and_sessions_when_the_owner_signs_in()
    {
        var squatter = await _app.SignUpAsync(_providers.Email);
        var (state, cookie, _) = await StartAsync("google");
        (await CallbackAsync("google", state, cookie)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await _app.PostSignInAsync(_providers.Email)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.RefreshAsync(squatter.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_callback_without_the_browsers_state_cookie_or_with_a_used_state_is_refused()
    {
        var (state, cookie, _) = await StartAsync("google");
        var noCookie = await CallbackAsync("google", state, null);
        noCookie.Headers.Location!.ToString().ShouldBe(Frontend + "/signin?error=oauth_state");
        Cookie(noCookie, "refresh_token").ShouldBeNull();

        var otherState = await CallbackAsync("google", "forged-state", "forged-state");
        otherState.Headers.Location!.ToString().ShouldContain("error=oauth_state");

        (await CallbackAsync("google", state, cookie)).Headers.Location!.ToString().ShouldBe(Frontend + "/chats");
        var reused = await CallbackAsync("google", state, cookie);
        reused.Headers.Location!.ToString().ShouldContain("error=oauth_state");
    }

    [Fact]
    public async Task A_wrong_code_or_an_unverified_email_signs_nobody_in()
    {
        var (state, cookie, _) = await StartAsync("google");
        var wrongCode = await CallbackAsync("google", state, cookie, code: "stolen-code");
        wrongCode.Headers.Location!.ToString().ShouldContain("error=oauth_failed");

        _providers.EmailVerified = false;
        (state, cookie, _) = await StartAsync("github");
        var unverified = await CallbackAsync("github", state, cookie);
        unverified.Headers.Location!.ToString().ShouldContain("error=oauth_email_unverified");
        Cookie(unverified, "refresh_token").ShouldBeNull();
    }

    [Fact]
    public async Task The_return_path_never_leaves_the_web_app()
    {
        var (state, cookie, _) = await StartAsync("google", "//evil.example.com/x");
        (await CallbackAsync("google", state, cookie)).Headers.Location!.ToString().ShouldBe(Frontend + "/");
    }

    [Fact]
    public async Task Providers_are_listed_and_unknown_ones_answer_404()
    {
        var providers = await _app.Client.GetFromJsonAsync<List<string>>("/api/auth/oauth/providers");
        providers.ShouldBe(["github", "google"]);
        (await _app.Client.GetAsync("/api/auth/oauth/facebook/start")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _app.Client.GetAsync("/api/auth/oauth/facebook/callback?code=x&state=y")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_client_ids_no_provider_is_offered()
    {
        await using var app = await TestApp.StartAsync(Settings());
        (await app.Client.GetFromJsonAsync<List<string>>("/api/auth/oauth/providers"))!.ShouldBeEmpty();
        (await app.Client.GetAsync("/api/auth/oauth/google/start")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_client_id_without_its_secret_stops_start_up_naming_the_variable()
    {
        var ex = await Should.ThrowAsync<MySaasChat.Hosting.SettingsException>(() => TestApp.StartAsync(Settings(("GITHUB_CLIENT_ID", "x"))));
        ex.Variable.ShouldBe("GITHUB_CLIENT_SECRET");
    }
}
