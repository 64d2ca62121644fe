extern alias identity;

using System.Net;
using identity::MySaasChat.Modules.Identity.Data;
using identity::MySaasChat.Modules.Identity.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class PasswordHashTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> StoredHashAsync(Guid userId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.PasswordHash).SingleAsync();
    }

    [Fact]
    public async Task Passwords_are_stored_as_argon2id_never_in_clear()
    {
        var user = await _app.SignUpAsync();
        var hash = await StoredHashAsync(user.User.Id);
        hash.ShouldStartWith($"$argon2id$v=19$m={PasswordHasher.DefaultMemoryKiB},t={PasswordHasher.DefaultIterations},p={PasswordHasher.DefaultParallelism}$");
        hash.ShouldNotContain(Password);
    }

    [Fact]
    public async Task A_hash_made_with_weaker_parameters_is_upgraded_at_the_next_sign_in()
    {
        var email = NewEmail();
        var user = await _app.SignUpAsync(email);
        var weak = await new PasswordHasher(memoryKiB: 1024, iterations: 1).HashAsync(Password);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            await db.Users.Where(u => u.Id == user.User.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, weak));
        }
        (await _app.PostSignInAsync(email)).StatusCode.ShouldBe(HttpStatusCode.OK, "the old hash still verifies");
        (await StoredHashAsync(user.User.Id)).ShouldContain($"m={PasswordHasher.DefaultMemoryKiB},t={PasswordHasher.DefaultIterations}");
        (await _app.PostSignInAsync(email)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void The_common_password_list_is_bundled_and_case_insensitive()
    {
        PasswordPolicy.CommonCount.ShouldBeGreaterThan(10_000);
        PasswordPolicy.Check("Password1").ShouldNotBeNull();
        PasswordPolicy.Check("iloveyou").ShouldNotBeNull();
        PasswordPolicy.Check("Blue-Harbor-Lantern-42").ShouldBeNull();
        PasswordPolicy.Check(new string('a', 129)).ShouldNotBeNull();
    }
}
