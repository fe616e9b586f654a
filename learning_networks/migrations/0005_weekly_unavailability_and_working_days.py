"""Unavailability every week on a weekday (all day or some hours, optionally from or until
a date) beside the dates it had, and the weekdays professionals work in an environment."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('environments', '0003_learningenvironment_holiday_region'),
        ('learning_networks', '0004_order_learning_lines_by_date'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkingDays',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('weekdays', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='working days')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='changed')),
            ],
            options={
                'verbose_name': 'working days',
                'verbose_name_plural': 'working days',
                'ordering': ['environment_id'],
            },
        ),
        migrations.AlterModelOptions(
            name='unavailability',
            options={'ordering': ['kind', 'starts_at', 'weekday', 'starts_time', 'pk'], 'verbose_name': 'unavailability', 'verbose_name_plural': 'unavailabilities'},
        ),
        migrations.RemoveConstraint(
            model_name='unavailability',
            name='unavailability_ends_after_start',
        ),
        migrations.AddField(
            model_name='unavailability',
            name='ends_time',
            field=models.TimeField(blank=True, null=True, verbose_name='until time'),
        ),
        migrations.AddField(
            model_name='unavailability',
            name='kind',
            field=models.CharField(choices=[('once', 'on a date'), ('weekly', 'every week')], default='once', max_length=6, verbose_name='when'),
        ),
        migrations.AddField(
            model_name='unavailability',
            name='starts_time',
            field=models.TimeField(blank=True, null=True, verbose_name='from time'),
        ),
        migrations.AddField(
            model_name='unavailability',
            name='valid_from',
            field=models.DateField(blank=True, null=True, verbose_name='first day'),
        ),
        migrations.AddField(
            model_name='unavailability',
            name='valid_until',
            field=models.DateField(blank=True, null=True, verbose_name='last day'),
        ),
        migrations.AddField(
            model_name='unavailability',
            name='weekday',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Monday'), (2, 'Tuesday'), (3, 'Wednesday'), (4, 'Thursday'), (5, 'Friday')], null=True, verbose_name='weekday'),
        ),
        migrations.AlterField(
            model_name='unavailability',
            name='ends_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='until'),
        ),
        migrations.AlterField(
            model_name='unavailability',
            name='starts_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='from'),
        ),
        migrations.AddIndex(
            model_name='unavailability',
            index=models.Index(fields=['user', 'kind'], name='unavailability_user_kind_idx'),
        ),
        migrations.AddConstraint(
            model_name='unavailability',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('ends_at__gt', models.F('starts_at')), ('ends_time__isnull', True), ('kind', 'once'), ('starts_at__isnull', False), ('starts_time__isnull', True), ('valid_from__isnull', True), ('valid_until__isnull', True), ('weekday__isnull', True)), models.Q(('ends_at__isnull', True), ('kind', 'weekly'), ('starts_at__isnull', True), ('weekday__gte', 1), ('weekday__lte', 5)), _connector='OR'), name='unavailability_once_or_weekly'),
        ),
        migrations.AddConstraint(
            model_name='unavailability',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('ends_time__isnull', True), ('starts_time__isnull', True)), ('ends_time__gt', models.F('starts_time')), _connector='OR'), name='unavailability_block_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='unavailability',
            constraint=models.CheckConstraint(condition=models.Q(('valid_from__isnull', True), ('valid_until__isnull', True), ('valid_until__gte', models.F('valid_from')), _connector='OR'), name='unavailability_valid_until_after_from'),
        ),
        migrations.AddField(
            model_name='workingdays',
            name='environment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='environments.learningenvironment', verbose_name='learning environment'),
        ),
        migrations.AddField(
            model_name='workingdays',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='working_days', to=settings.AUTH_USER_MODEL, verbose_name='person'),
        ),
        migrations.AddConstraint(
            model_name='workingdays',
            constraint=models.UniqueConstraint(fields=('user', 'environment'), name='working_days_unique_per_environment'),
        ),
        migrations.AddConstraint(
            model_name='workingdays',
            constraint=models.CheckConstraint(condition=models.Q(('weekdays__gte', 1), ('weekdays__lte', 31)), name='working_days_mask_range'),
        ),
    ]
