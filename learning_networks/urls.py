from learning_networks import attendance_urls, availability_urls, calendar_urls, network_urls

app_name = "learning_networks"

# Each part of the app keeps its own URL list: networks and planning, the
# participants' side (answers, roster, feedback), the calendars, and when people cannot
# come (unavailability, working days).
urlpatterns = (
    network_urls.urlpatterns
    + attendance_urls.urlpatterns
    + calendar_urls.urlpatterns
    + availability_urls.urlpatterns
)
