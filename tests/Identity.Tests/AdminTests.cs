extern alias identity;

using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Contracts;
using identity::MySaasChat.Modules.Identity.Data;
using identity::MySaasChat.Modules.Identity.Domain;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class AdminTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<TokenResponse> AdminAsync()
    {
        var email = NewEmail();
        var (created, error) = await AdminBootstrap.CreateAdminAsync(_app.Services, email, Password, CancellationToken.None);
        created.ShouldBeTrue(error);
        return await _app.SignInAsync(email);
    }

    [Fact]
    public async Task Admins_search_users_by_email_or_name_page_by_page()
    {
        var admin = await AdminAsync();
        var marker = Guid.NewGuid().ToString("N")[..8];
        await _app.SignUpAsync($"{marker}@example.com", name: "Searchable");
        await _app.SignUpAsync(name: $"Person {marker}");
        var response = await _app.SendAsync(HttpMethod.Get, $"/api/auth/admin/users?query={marker}&page=1", admin.AccessToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = (await response.Content.ReadFromJsonAsync<UserPage>(Json))!;
        page.Total.ShouldBe(2);
        page.Items.Count.ShouldBe(2);
        var empty = (await (await _app.SendAsync(HttpMethod.Get, $"/api/auth/admin/users?query={marker}&page=2", admin.AccessToken)).Content.ReadFromJsonAsync<UserPage>(Json))!;
        empty.Items.ShouldBeEmpty();
        var bad = await _app.SendAsync(HttpMethod.Get, "/api/auth/admin/users?page=zero", admin.AccessToken);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(bad)).ShouldBe("page");
    }

    [Fact]
    public async Task Ordinary_users_are_refused()
    {
        var user = await _app.SignUpAsync();
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/admin/users", user.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _app.SendAsync(HttpMethod.Patch, $"/api/auth/admin/users/{user.User.Id}", user.AccessToken, new { role = "admin" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _app.Client.GetAsync("/api/auth/admin/users")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_sessions_and_promoting_grants_admin()
    {
        var admin = await AdminAsync();
        var user = await _app.SignUpAsync();
        var disable = await _app.SendAsync(HttpMethod.Patch, $"/api/auth/admin/users/{user.User.Id}", admin.AccessToken, new { disabled = true });
        disable.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", user.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.RefreshAsync(user.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        await _app.SendAsync(HttpMethod.Patch, $"/api/auth/admin/users/{user.User.Id}", admin.AccessToken, new { disabled = false, role = "admin" });
        var promoted = await _app.SignInAsync(user.User.Email);
        promoted.User.Role.ShouldBe("admin");
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/admin/users", promoted.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _app.EventsAsync()).ShouldContain(e => e.Type == nameof(UserUpdated) && e.Payload.GetProperty("userId").GetGuid() == user.User.Id && e.Payload.GetProperty("disabled").GetBoolean());
    }

    [Fact]
    public async Task Bad_admin_updates_are_refused()
    {
        var admin = await AdminAsync();
        var user = await _app.SignUpAsync();
        (await FieldOf(await _app.SendAsync(HttpMethod.Patch, $"/api/auth/admin/users/{user.User.Id}", admin.AccessToken, new { role = "root" }))).ShouldBe("role");
        (await FieldOf(await _app.SendAsync(HttpMethod.Patch, $"/api/auth/admin/users/{user.User.Id}", admin.AccessToken, new { }))).ShouldBe("role");
        (await _app.SendAsync(HttpMethod.Patch, $"/api/auth/admin/users/{Guid.NewGuid()}", admin.AccessToken, new { role = "user" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _app.SendAsync(HttpMethod.Patch, "/api/auth/admin/users/xyz", admin.AccessToken, new { role = "user" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var self = await _app.SendAsync(HttpMethod.Patch, $"/api/auth/admin/users/{admin.User.Id}", admin.AccessToken, new { disabled = true });
        (await CodeOf(self)).ShouldBe("auth.cannot_demote_self");
    }

    [Fact]
    public async Task The_ADMIN_EMAIL_account_becomes_admin_once_its_email_is_verified()
    {
        var email = NewEmail();
        await using var app = await TestApp.StartAsync(Settings(("ADMIN_EMAIL", email)));
        var signup = await app.SignUpAsync(email);
        signup.User.Role.ShouldBe("user", "claiming the address is not enough");
        var token = await app.TokenMailedToAsync(nameof(EmailVerificationRequested), email);
        (await app.Client.PostAsJsonAsync("/api/auth/verify-email", new { token })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await app.SignInAsync(email)).User.Role.ShouldBe("admin");
    }
}
