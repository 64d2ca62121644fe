using Microsoft.Extensions.Configuration;
using MimeKit;
using MySaasChat.Hosting;

namespace MySaasChat.Modules.Notifications;

/// <summary>The SMTP server to send through; absent on the embedded default (files under DATA_DIR/mail).</summary>
public sealed record SmtpSettings(string Host, int Port, bool Secure, string? User, string? Password, TimeSpan Timeout);

/// <summary>Everything the email worker reads from the environment, checked once at start-up.</summary>
public sealed record MailSettings
{
    public required string ProductName { get; init; }
    /// <summary>Base of every link in an email, without a trailing slash.</summary>
    public required string FrontendUrl { get; init; }
    public required MailboxAddress From { get; init; }
    public SmtpSettings? Smtp { get; init; }
    public required string MailDirectory { get; init; }
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>A message still failing transiently after this long is dead-lettered.</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromDays(3);
    /// <summary>Sent emails are deleted after this long (dead-lettered ones stay until an operator acts).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    public static MailSettings Load(IConfiguration config, string dataDir)
    {
        var s = new Settings(config);
        var product = s.String("SMTP_FROM_NAME") ?? "My-SaaS-Chat";

        var frontend = s.String("FRONTEND_URL") ?? "http://localhost:8080";
        if (!Uri.TryCreate(frontend, UriKind.Absolute, out var f) || (f.Scheme != "http" && f.Scheme != "https") || f.Query.Length > 0)
        {
            throw new SettingsException("FRONTEND_URL", $"'{frontend}' must be the http(s) address of the web app, e.g. https://chat.example.com");
        }

        SmtpSettings? smtp = null;
        var host = s.String("SMTP_HOST");
        if (host is not null)
        {
            if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                throw new SettingsException("SMTP_HOST", $"'{host}' is not a host name or address");
            }
            var secure = s.Bool("SMTP_SECURE", false);
            var user = s.String("SMTP_USER");
            var pass = s.String("SMTP_PASS");
            if (user is not null && pass is null)
            {
                throw new SettingsException("SMTP_PASS", "is required when SMTP_USER is set");
            }
            smtp = new SmtpSettings(host, s.Int("SMTP_PORT", secure ? 465 : 587, 1, 65535), secure, user, pass,
                s.Duration("SMTP_TIMEOUT", TimeSpan.FromSeconds(30)));
        }

        var fromText = s.String("SMTP_FROM") ?? (smtp?.User is { } u && u.Contains('@') ? u : null);
        if (fromText is null && smtp is not null)
        {
            throw new SettingsException("SMTP_FROM", "is required when SMTP_HOST is set (the sender address, e.g. no-reply@example.com)");
        }
        fromText ??= "no-reply@localhost";
        if (!MailboxAddress.TryParse(fromText, out var from) || !from.Address.Contains('@'))
        {
            throw new SettingsException("SMTP_FROM", $"'{fromText}' is not an email address");
        }
        if (string.IsNullOrEmpty(from.Name))
        {
            from = new MailboxAddress(product, from.Address);
        }

        return new MailSettings
        {
            ProductName = product,
            FrontendUrl = frontend.TrimEnd('/'),
            From = from,
            Smtp = smtp,
            MailDirectory = Path.Combine(dataDir, "mail"),
            PollInterval = s.Duration("NOTIFICATIONS_POLL_INTERVAL", TimeSpan.FromSeconds(1)),
            RetryBase = s.Duration("NOTIFICATIONS_RETRY_BASE", TimeSpan.FromSeconds(10)),
            RetryMax = s.Duration("NOTIFICATIONS_RETRY_MAX", TimeSpan.FromMinutes(15)),
            GiveUpAfter = s.Duration("NOTIFICATIONS_GIVE_UP_AFTER", TimeSpan.FromDays(3)),
            Retention = s.Duration("NOTIFICATIONS_RETENTION", TimeSpan.FromDays(30)),
        };
    }
}
