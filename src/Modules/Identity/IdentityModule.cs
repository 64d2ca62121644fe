using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Messaging;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;
using MySaasChat.Modules.Identity.Endpoints;
using MySaasChat.Modules.Identity.Events;

namespace MySaasChat.Modules.Identity;

/// <summary>Accounts, sessions and tokens. Every other module only validates the tokens issued here.</summary>
public sealed class IdentityModule : IModule
{
    public const string ModuleName = "identity";

    public string Name => ModuleName;
    public string Target => "auth";

    public void AddSubscriptions(SubscriptionCatalog catalog, IServiceCollection? services)
    {
        catalog.AddHandler<SessionRevoked, SessionRevokedHandler, IdentityDbContext>(services, ModuleName);
    }

    public void AddServices(WebApplicationBuilder builder, PlatformOptions options)
    {
        var identity = IdentityOptions.Load(new Settings(builder.Configuration));
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(new PasswordHasher(identity.HashMemoryKiB, identity.HashIterations, identity.HashParallelism));
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddScoped<Authenticator>();
        builder.Services.AddSingleton(OAuthSettings.Load(new Settings(builder.Configuration)));
        builder.Services.AddHttpClient(OAuthSettings.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));
        builder.Services.AddSingleton<OAuthClient>();
        builder.Services.AddHostedService<AdminBootstrap>();
        builder.Services.AddModuleDatabase<IdentityDbContext, SqliteIdentityDbContext, PostgresIdentityDbContext>(options, ModuleName);
    }

    public void MapEndpoints(WebApplication app)
    {
        var group = app.MapGroup("/api/auth").AddEndpointFilter<ValidationFilter>().WithTags("Identity");
        SignUp.Map(group);
        SignIn.Map(group);
        Refresh.Map(group);
        SignOut.Map(group);
        SignOutAll.Map(group);
        ListSessions.Map(group);
        RevokeSession.Map(group);
        GetMe.Map(group);
        UpdateMe.Map(group);
        ChangePassword.Map(group);
        DeleteMe.Map(group);
        ExportMe.Map(group);
        VerifyEmail.Map(group);
        ResendVerification.Map(group);
        ForgotPassword.Map(group);
        ResetPassword.Map(group);
        SetupTwoFactor.Map(group);
        EnableTwoFactor.Map(group);
        DisableTwoFactor.Map(group);

        OAuthSignIn.Map(group);
        Jwks.Map(app);

        var admin = group.MapGroup("/admin").RequireAuthorization(p => p.RequireClaim("role", Roles.Admin));
        ListUsers.Map(admin);
        AdminUpdateUser.Map(admin);
    }
}
