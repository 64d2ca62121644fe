using MySaasChat.Contracts;
using MySaasChat.Messaging;
using MySaasChat.Modules.Notifications.Domain;

namespace MySaasChat.Modules.Notifications.Events;

public sealed class VerificationEmail(EmailQueue queue, EmailTemplates templates) : IIntegrationEventHandler<EmailVerificationRequested>
{
    public Task HandleAsync(EmailVerificationRequested e, CancellationToken ct)
    {
        queue.Enqueue(e, EmailTemplates.VerifyEmail, e.Email, () => templates.Render(e));
        return Task.CompletedTask;
    }
}

public sealed class PasswordResetEmail(EmailQueue queue, EmailTemplates templates) : IIntegrationEventHandler<PasswordResetRequested>
{
    public Task HandleAsync(PasswordResetRequested e, CancellationToken ct)
    {
        queue.Enqueue(e, EmailTemplates.ResetPassword, e.Email, () => templates.Render(e));
        return Task.CompletedTask;
    }
}

/// <summary>Only sign-ins from a device not seen before are mailed.</summary>
public sealed class NewSignInEmail(EmailQueue queue, EmailTemplates templates) : IIntegrationEventHandler<UserSignedIn>
{
    public Task HandleAsync(UserSignedIn e, CancellationToken ct)
    {
        if (e.NewDevice)
        {
            queue.Enqueue(e, EmailTemplates.NewSignIn, e.Email, () => templates.Render(e));
        }
        return Task.CompletedTask;
    }
}

public sealed class TwoFactorEmail(EmailQueue queue, EmailTemplates templates) : IIntegrationEventHandler<TwoFactorChanged>
{
    public Task HandleAsync(TwoFactorChanged e, CancellationToken ct)
    {
        queue.Enqueue(e, e.Enabled ? EmailTemplates.TwoFactorEnabled : EmailTemplates.TwoFactorDisabled, e.Email, () => templates.Render(e));
        return Task.CompletedTask;
    }
}

public sealed class AccountDeletedEmail(EmailQueue queue, EmailTemplates templates) : IIntegrationEventHandler<UserDeleted>
{
    public Task HandleAsync(UserDeleted e, CancellationToken ct)
    {
        queue.Enqueue(e, EmailTemplates.AccountDeleted, e.Email, () => templates.Render(e));
        return Task.CompletedTask;
    }
}
