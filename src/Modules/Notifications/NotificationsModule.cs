using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Messaging;
using MySaasChat.Modules.Notifications.Data;
using MySaasChat.Modules.Notifications.Delivery;
using MySaasChat.Modules.Notifications.Domain;
using MySaasChat.Modules.Notifications.Events;

namespace MySaasChat.Modules.Notifications;

/// <summary>The email worker: consumes events, queues emails in its own database, sends them.</summary>
public sealed class NotificationsModule : IModule
{
    public const string ModuleName = "notifications";

    public string Name => ModuleName;
    public string Target => "notifications";

    public void AddSubscriptions(SubscriptionCatalog catalog, IServiceCollection? services)
    {
        catalog.AddHandler<EmailVerificationRequested, VerificationEmail, NotificationsDbContext>(services, Name);
        catalog.AddHandler<PasswordResetRequested, PasswordResetEmail, NotificationsDbContext>(services, Name);
        catalog.AddHandler<UserSignedIn, NewSignInEmail, NotificationsDbContext>(services, Name);
        catalog.AddHandler<TwoFactorChanged, TwoFactorEmail, NotificationsDbContext>(services, Name);
        catalog.AddHandler<UserDeleted, AccountDeletedEmail, NotificationsDbContext>(services, Name);
        catalog.AddHandler<PaymentSucceeded, PaymentReceiptEmail, NotificationsDbContext>(services, Name);
        catalog.AddHandler<PaymentFailed, PaymentFailedEmail, NotificationsDbContext>(services, Name);
        catalog.AddHandler<QuotaThresholdReached, QuotaEmail, NotificationsDbContext>(services, Name);
    }

    public void AddServices(WebApplicationBuilder builder, PlatformOptions options)
    {
        var settings = MailSettings.Load(builder.Configuration, options.DataDir);
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddModuleDatabase<NotificationsDbContext, SqliteNotificationsDbContext, PostgresNotificationsDbContext>(options, Name);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<EmailTemplates>();
        services.AddSingleton<EmailSignal>();
        services.AddScoped<EmailQueue>();
        if (settings.Smtp is { } smtp)
        {
            services.AddSingleton<IMailTransport>(new SmtpMailTransport(smtp));
            // Optional: mail waits in the queue while the server is away, so an SMTP outage degrades
            // this service but must not take it out of rotation or get it restarted.
            services.AddHealthChecks().Add(new HealthCheckRegistration(
                "smtp", sp => new SmtpHealthCheck(sp.GetRequiredService<MailSettings>()), HealthStatus.Degraded,
                [HealthTags.Optional], TimeSpan.FromSeconds(6)));
        }
        else
        {
            services.AddSingleton<IMailTransport, FileMailTransport>();
        }
        services.AddSingleton<EmailSender>();
        services.AddHostedService(sp => sp.GetRequiredService<EmailSender>());
    }

    // No public API: the worker is reached through events only (health and metrics come from the platform).
    public void MapEndpoints(WebApplication app)
    {
    }
}
