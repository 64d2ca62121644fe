using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using MySaasChat.Hosting;
using MySaasChat.Modules.Notifications.Delivery;
using MySaasChat.Modules.Notifications.Domain;

namespace MySaasChat.Modules.Notifications;

/// <summary>
/// `mysaaschat notify test --to ADDRESS`: sends one email straight through the configured
/// transport (not the queue), so the operator sees at once whether the SMTP settings work.
/// </summary>
public static class NotifyCommand
{
    public const string Usage = "mysaaschat notify test --to ADDRESS   send a test email through the configured SMTP server (or DATA_DIR/mail)";

    /// <returns>0 sent, 1 the server refused or could not be reached, 64 bad usage.</returns>
    public static async Task<int> RunAsync(string[] args, IConfiguration config, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        string? to = null;
        if (args.Length == 0 || args[0] != "test")
        {
            await error.WriteLineAsync($"mysaaschat: usage: {Usage}");
            return 64;
        }
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--to" && i + 1 < args.Length) to = args[++i];
            else if (args[i].StartsWith("--to=", StringComparison.Ordinal)) to = args[i]["--to=".Length..];
            else
            {
                await error.WriteLineAsync($"mysaaschat: unknown option '{args[i]}'; usage: {Usage}");
                return 64;
            }
        }
        if (to is null)
        {
            await error.WriteLineAsync($"mysaaschat: --to is required; usage: {Usage}");
            return 64;
        }

        var settings = MailSettings.Load(config, Path.GetFullPath(new Settings(config).String("DATA_DIR") ?? "./data"));
        RenderedEmail email;
        try
        {
            email = new EmailTemplates(settings).RenderTest(to);
        }
        catch (UnsendableEmailException ex)
        {
            await error.WriteLineAsync($"mysaaschat: {ex.Message}");
            return 64;
        }

        IMailTransport transport = settings.Smtp is { } smtp
            ? new SmtpMailTransport(smtp)
            : new FileMailTransport(settings, NullLogger<FileMailTransport>.Instance);
        var now = DateTimeOffset.UtcNow;
        var message = EmailSender.ToMessage(settings, new OutgoingEmail
        {
            Id = Guid.CreateVersion7(),
            Template = email.Template,
            ToAddress = email.ToAddress,
            Subject = email.Subject,
            HtmlBody = email.Html,
            TextBody = email.Text,
            CreatedAt = now,
            NextAttemptAt = now,
        });
        try
        {
            await using var session = await transport.OpenAsync(ct);
            await session.SendAsync(message, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await error.WriteLineAsync($"mysaaschat: test email not sent: {DeliveryFailure.Classify(ex).Reason}");
            return 1;
        }
        await output.WriteLineAsync(settings.Smtp is { } s
            ? $"test email sent to {email.ToAddress} through {s.Host}:{s.Port}"
            : $"test email to {email.ToAddress} written to {settings.MailDirectory} (no SMTP_HOST set)");
        return 0;
    }
}
